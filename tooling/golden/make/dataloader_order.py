"""Which samples torch.utils.data.DataLoader serves, batch by batch, over two epochs: shuffled
with a seeded generator, shuffled from the seeded default generator, and in order, with and
without drop_last; plus torch.randperm with a seeded generator. After the two epochs, three
draws of torch.rand from the generator each case used show how many random numbers the loader
consumed. Writes ../data/dataloader_order.json."""

import torch
from torch.utils.data import DataLoader

from common import tensor_json, write


def loader_case(n, batch_size, shuffle, drop_last, seed, own_generator):
    dataset = list(range(n))
    if own_generator:
        generator = torch.Generator().manual_seed(seed)
        loader = DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, generator=generator)
    else:
        torch.manual_seed(seed)
        generator = None
        loader = DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last)
    epochs = [[batch.tolist() for batch in loader] for _ in range(2)]
    after = torch.rand(3, generator=generator)
    return {
        "n": n,
        "batchSize": batch_size,
        "shuffle": shuffle,
        "dropLast": drop_last,
        "seed": seed,
        "ownGenerator": own_generator,
        "length": len(loader),
        "epochs": epochs,
        "randAfter": tensor_json(after),
    }


cases = []
for n, batch_size in [(10, 3), (10, 5), (7, 1), (1, 4), (300, 64)]:
    for drop_last in (False, True):
        cases.append(loader_case(n, batch_size, True, drop_last, 0, True))
        cases.append(loader_case(n, batch_size, False, drop_last, 0, True))
cases.append(loader_case(10, 4, True, False, 42, True))
cases.append(loader_case(10, 4, True, False, 7, False))
cases.append(loader_case(10, 4, False, False, 7, False))
for n, seed in [(1, 0), (2, 1), (10, 0), (1000, 123)]:
    cases.append({"randperm": n, "seed": seed, "order": torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist()})

write(
    "dataloader_order.json",
    cases,
    "DataLoader(list(range(n)), batch_size, shuffle, drop_last, generator) batches over two epochs, len(loader), "
    "and torch.rand(3) from the same generator afterwards; torch.randperm(n) from a seeded generator",
)
