"""Drawing helpers shared by the pictures: scaling, text, saving.

Text is drawn in PIL's default font, one line every ``LINE_HEIGHT``
pixels, black on the picture.
"""
from typing import Iterable, Tuple

import cv2
import mmcv
import numpy as np
from PIL import Image, ImageDraw, ImageFont

#: RGB colours.
BACKGROUND = (255, 255, 255)
TEXT_COLOUR = (0, 0, 0)
#: Pixels from one text line to the next.
LINE_HEIGHT = 12


def scale_to_height(image: np.ndarray, height: int) -> np.ndarray:
    """``image`` resized (bilinear) to ``height`` rows, aspect ratio kept
    (at least one column)."""
    rows, cols = image.shape[:2]
    width = max(1, round(cols * height / rows))
    return mmcv.imresize(image, (width, height), interpolation='bilinear')


def text_width(text: str) -> int:
    """Pixel width of ``text`` in the default font."""
    return int(np.ceil(ImageFont.load_default().getlength(text)))


def draw_texts(canvas: np.ndarray,
               texts: Iterable[Tuple[Tuple[int, int], str]]) -> np.ndarray:
    """A copy of the (H, W, 3) uint8 ``canvas`` with each ``((x, y),
    text)`` written, its top-left corner at (x, y)."""
    picture = Image.fromarray(canvas)
    draw = ImageDraw.Draw(picture)
    font = ImageFont.load_default()
    for (x, y), text in texts:
        draw.text((int(x), int(y)), text, fill=TEXT_COLOUR, font=font)
    return np.asarray(picture)


def save_picture(image: np.ndarray, path: str) -> None:
    """Write an (H, W, 3) uint8 RGB picture (PNG for a ``.png`` path, at
    zlib's highest compression: about half OpenCV's default size), creating
    the folder."""
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f'{path}: picture is {image.dtype} {image.shape}; '
                         'expected (H, W, 3) uint8 RGB')
    params = [cv2.IMWRITE_PNG_COMPRESSION, 9] \
        if path.lower().endswith('.png') else None
    if not mmcv.imwrite(mmcv.rgb2bgr(image), path, params=params):
        raise OSError(f'{path}: cannot write the picture')
