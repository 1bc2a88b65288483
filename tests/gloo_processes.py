"""Run a function in several CPU processes joined in a gloo group, as the
distributed tests do: each rank's return value comes back in rank order."""
import os
import pickle
import socket
from pathlib import Path
from typing import Callable, List, Sequence

import torch.distributed as dist
import torch.multiprocessing as mp


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _rank_main(rank: int, port: int, world_size: int, out_dir: str,
               function: Callable, args: Sequence) -> None:
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world_size)
    try:
        result = function(rank, *args)
        with open(os.path.join(out_dir, f'rank{rank}.pkl'), 'wb') as file:
            pickle.dump(result, file)
    finally:
        dist.destroy_process_group()


def run_in_gloo_group(function: Callable, args: Sequence, world_size: int,
                      out_dir: Path) -> List:
    """``function(rank, *args)`` in ``world_size`` spawned processes (it
    must be a module-level function); their results, rank by rank."""
    mp.spawn(_rank_main,
             args=(_free_port(), world_size, str(out_dir), function, args),
             nprocs=world_size, join=True)
    results = []
    for rank in range(world_size):
        with open(Path(out_dir) / f'rank{rank}.pkl', 'rb') as file:
            results.append(pickle.load(file))
    return results
