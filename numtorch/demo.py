"""``numtorch demo``: train a CNN, show progress, evaluate, save a checkpoint and a plot of the curves.

Default: the 8x8 handwritten digits bundled with numtorch (no download), a small CNN in the style of the
PyTorch tutorials numtorch's examples come from (examples/tutorials/)
(Conv2d / MaxPool2d / Flatten / Linear, CrossEntropyLoss) trained with Adam. With ``--data cifar10
--root DIR`` it trains those tutorials' CIFAR-10 network ``MyNet`` on the CIFAR-10 python files in ``DIR``.

The training loop is the one the tutorials write by hand: ``model.train()``; for each batch
``optimizer.zero_grad()``, forward, loss, ``backward()``, ``optimizer.step()``; then ``model.eval()``
and accuracy under ``no_grad()``.
"""
import argparse
import json
import os
import sys
import time

PROG = "numtorch demo"

# per-dataset defaults (a flag given on the command line wins)
DEFAULTS = {
    "digits": dict(epochs=12, batch_size=32, lr=2e-3, optimizer="adam"),
    "cifar10": dict(epochs=10, batch_size=64, lr=1e-2, optimizer="sgd"),
}

# channel statistics of the training images after ToTensor (used by Normalize)
DIGITS_MEAN, DIGITS_STD = (0.3053,), (0.3759,)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit status 2), never a traceback."""

    def error(self, message):
        self.exit(2, f"{PROG}: error: {message} (see '{PROG} --help')\n")


class DemoError(Exception):
    """A problem the user can fix (missing files, missing package): reported as one line, exit status 2."""


def _optimizers():
    from . import optim
    names = {}
    for n in optim.__all__:
        cls = getattr(optim, n)
        if isinstance(cls, type) and issubclass(cls, optim.Optimizer) and cls is not optim.Optimizer \
                and n not in ("LBFGS", "SparseAdam"):   # LBFGS needs a closure, SparseAdam sparse grads
            names[n.lower()] = cls
    return names


def build_parser():
    opts = sorted(_optimizers())
    p = _Parser(prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
                description="Train a convolutional network with numtorch: a progress bar per epoch (loss and "
                            "accuracy), the test accuracy under no_grad/eval, a checkpoint (numtorch.save) and a "
                            "PNG of the loss/accuracy curves.",
                epilog="examples:\n"
                       "  numtorch demo                                   # digits, ~98% test accuracy\n"
                       "  numtorch demo --epochs 3 --optimizer sgd --lr 0.05\n"
                       "  numtorch demo --data cifar10 --root ./dataset   # the tutorials' MyNet on CIFAR-10\n")
    p.add_argument("--data", choices=["digits", "cifar10"], default="digits",
                   help="dataset: 'digits' = the bundled 8x8 handwritten digits (UCI, offline, default); "
                        "'cifar10' = CIFAR-10 python files under --root")
    p.add_argument("--root", default=None, metavar="DIR",
                   help="folder holding cifar-10-batches-py/ (or cifar-10-python.tar.gz); required with "
                        "--data cifar10")
    p.add_argument("--epochs", type=int, default=None, metavar="N",
                   help="passes over the training set (default: 12 digits, 10 cifar10)")
    p.add_argument("--batch-size", type=int, default=None, metavar="B",
                   help="samples per optimizer step (default: 32 digits, 64 cifar10)")
    p.add_argument("--lr", type=float, default=None, help="learning rate (default: 0.002 adam on digits, "
                                                          "0.01 sgd on cifar10)")
    p.add_argument("--optimizer", default=None, choices=opts, metavar="NAME",
                   help="numtorch.optim optimizer: " + ", ".join(opts) + " (default: adam digits, sgd cifar10)")
    p.add_argument("--momentum", type=float, default=0.9, metavar="M", help="momentum for sgd and rmsprop (default 0.9)")
    p.add_argument("--out", default="numtorch-demo", metavar="DIR",
                   help="where checkpoint.pt, history.json and curves.png go (default ./numtorch-demo)")
    p.add_argument("--seed", type=int, default=0, help="random seed for weights and shuffling (default 0)")
    p.add_argument("--num-workers", type=int, default=0, metavar="N",
                   help="DataLoader worker processes for the training set (default 0: load in this process)")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="use only the first N training and N test images (a quick smoke run)")
    p.add_argument("--nproc-per-node", type=int, default=1, metavar="N",
                   help="train data-parallel on N processes (DistributedDataParallel over MPI; needs "
                        "pip install 'numtorch[mpi]'); --batch-size stays the global batch")
    p.add_argument("--no-progress", action="store_true",
                   help="no tqdm bar: print one line per epoch (also the default when stdout is not a terminal)")
    return p


# ------------------------------------------------------------------------------------------ models
def digits_net(nn):
    """A small CNN for 1x8x8 digits in the tutorials' layer vocabulary."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),     # 32 x 4 x 4
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),    # 64 x 2 x 2
        nn.Flatten(),
        nn.Linear(256, 64), nn.ReLU(),
        nn.Linear(64, 10),
    )


def make_mynet(nn):
    """The tutorials' CIFAR-10 network (``MyNet``), layer for layer."""
    class MyNet(nn.Module):
        def __init__(self):
            super(MyNet, self).__init__()
            self.model1 = nn.Sequential(
                nn.Conv2d(3, 32, 5, padding=2),
                nn.MaxPool2d(2),
                nn.Conv2d(32, 32, 5, padding=2),
                nn.MaxPool2d(2),
                nn.Conv2d(32, 64, 5, padding=2),
                nn.MaxPool2d(2),
                nn.Flatten(),
                nn.Linear(1024, 64),
                nn.Linear(64, 10),
            )

        def forward(self, x):
            return self.model1(x)
    return MyNet()


# ------------------------------------------------------------------------------------------ data
def load_data(args):
    from .vision import datasets, transforms
    from .utils.data import Subset
    if args.data == "digits":
        tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize(DIGITS_MEAN, DIGITS_STD)])
        try:
            train = datasets.Digits(train=True, transform=tf)
            test = datasets.Digits(train=False, transform=tf)
        except ImportError as e:
            raise DemoError(str(e)) from None
        desc = "the bundled 8x8 handwritten digits (UCI)"
    else:
        if not args.root:
            raise DemoError("--data cifar10 needs --root DIR (the folder holding cifar-10-batches-py/)")
        if not os.path.isdir(args.root):
            raise DemoError(f"data folder {args.root!r} does not exist (it should hold cifar-10-batches-py/ with "
                            f"data_batch_1..5, test_batch, batches.meta)")
        tf = transforms.ToTensor()
        try:
            train = datasets.CIFAR10(args.root, train=True, download=True, transform=tf)
            test = datasets.CIFAR10(args.root, train=False, download=True, transform=tf)
        except RuntimeError as e:
            raise DemoError(str(e)) from None
        except Exception as e:   # a corrupt or refused file
            raise DemoError(f"could not read CIFAR-10 from {args.root}: {type(e).__name__}: {e}") from None
        desc = f"CIFAR-10 from {args.root}"
    if args.limit is not None:
        train = Subset(train, list(range(min(args.limit, len(train)))))
        test = Subset(test, list(range(min(args.limit, len(test)))))
    return train, test, desc


# ------------------------------------------------------------------------------------------ progress
class _Progress:
    """tqdm's bar when available and stdout is a terminal, else one plain line per epoch."""

    def __init__(self, total, epoch, epochs, enabled):
        self.bar = None
        self.head = f"epoch {epoch:>{len(str(epochs))}}/{epochs}"
        if enabled:
            try:
                import shutil
                from tqdm import tqdm
                # explicit width: a terminal that reports 0 columns would otherwise get an empty bar
                self.bar = tqdm(total=total, desc=self.head, unit="batch", leave=True, file=sys.stdout,
                                ncols=shutil.get_terminal_size((100, 20)).columns)
            except ImportError:
                self.bar = None

    def update(self, loss, acc):
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(loss=f"{loss:.4f}", acc=f"{100 * acc:.1f}%", refresh=False)

    def close(self, loss, acc, test_acc, seconds):
        line = f"loss {loss:.4f}  train acc {100 * acc:5.1f}%  test acc {100 * test_acc:5.1f}%  ({seconds:.1f}s)"
        if self.bar is not None:
            self.bar.set_postfix_str(line, refresh=True)
            self.bar.close()
        else:
            print(f"{self.head}  {line}", flush=True)


class _Quiet:
    """The progress display of ranks other than 0 in a data-parallel run: nothing."""

    def update(self, loss, acc):
        pass

    def close(self, loss, acc, test_acc, seconds):
        pass


# ------------------------------------------------------------------------------------------ train / eval
def evaluate(model, loader, nt):
    """Accuracy and mean loss over ``loader`` in eval mode without building a graph."""
    model.eval()
    correct = total = 0
    loss_sum = 0.0
    crit = nt.nn.CrossEntropyLoss(reduction="sum")
    with nt.no_grad():
        for x, y in loader:
            out = model(x)
            loss_sum += crit(out, y).item()
            correct += (out.argmax(dim=1) == y).sum().item()
            total += y.shape[0]
    return correct / max(total, 1), loss_sum / max(total, 1), correct, total


def train(args, out=sys.stdout):
    import numtorch as nt
    from .utils.data import DataLoader

    nt.manual_seed(args.seed)
    train_set, test_set, desc = load_data(args)
    model = digits_net(nt.nn) if args.data == "digits" else make_mynet(nt.nn)
    dist = nt.distributed if args.nproc_per_node > 1 else None
    rank, world = 0, 1
    if dist is not None:
        # one rank of `numtorch demo --nproc-per-node N` (started by mpiexec, see main): each rank trains
        # on its shard of every global batch, DDP averages the gradients
        dist.init_process_group("mpi")
        rank, world = dist.get_rank(), dist.get_world_size()
        model = nt.nn.parallel.DistributedDataParallel(model)
        if rank != 0:
            out = open(os.devnull, "w")
    opt_cls = _optimizers()[args.optimizer]
    kw = {"lr": args.lr}
    if args.optimizer in ("sgd", "rmsprop"):
        kw["momentum"] = args.momentum
    optimizer = opt_cls(model.parameters(), **kw)
    criterion = nt.nn.CrossEntropyLoss()
    g = nt.Generator().manual_seed(args.seed)
    sampler = None
    if dist is not None:
        sampler = nt.utils.data.DistributedSampler(train_set, num_replicas=world, rank=rank, seed=args.seed)
    train_loader = DataLoader(train_set, batch_size=max(args.batch_size // world, 1), shuffle=sampler is None,
                              sampler=sampler, generator=g if sampler is None else None,
                              num_workers=args.num_workers, persistent_workers=args.num_workers > 0)
    test_loader = DataLoader(test_set, batch_size=256)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{PROG}: {desc}: {len(train_set)} train / {len(test_set)} test images; "
          f"{'CNN' if args.data == 'digits' else 'MyNet'} with {n_params:,} parameters; "
          f"{opt_cls.__name__}(lr={args.lr}), batch {args.batch_size}, {args.epochs} epochs"
          + (f", data-parallel over {world} ranks (DistributedDataParallel)" if world > 1 else ""),
          file=out, flush=True)
    # (mpiexec gives ranks a pseudo-terminal: the launcher says whether the user's stdout is one)
    use_bar = not args.no_progress and out.isatty() and os.environ.get("NUMTORCH_DEMO_TTY", "1") == "1"
    history = {"loss": [], "accuracy": [], "test_loss": [], "test_accuracy": []}
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        if sampler is not None:
            sampler.set_epoch(epoch)
        bar = _Progress(len(train_loader), epoch, args.epochs, use_bar) if rank == 0 else _Quiet()
        seen = correct = 0
        loss_sum = 0.0
        for x, y in train_loader:
            optimizer.zero_grad()
            output = model(x)
            loss = criterion(output, y)
            loss.backward()
            optimizer.step()
            n = y.shape[0]
            loss_sum += loss.item() * n
            correct += (output.argmax(dim=1) == y).sum().item()
            seen += n
            bar.update(loss_sum / seen, correct / seen)
        if dist is not None:
            # the epoch's figures over every rank's shard
            tot = nt.tensor([loss_sum, float(correct), float(seen)], dtype=nt.float64)
            dist.all_reduce(tot)
            loss_sum, correct, seen = tot[0].item(), int(tot[1].item()), int(tot[2].item())
        test_acc, test_loss, _, _ = evaluate(model, test_loader, nt)
        history["loss"].append(loss_sum / max(seen, 1))
        history["accuracy"].append(correct / max(seen, 1))
        history["test_loss"].append(test_loss)
        history["test_accuracy"].append(test_acc)
        bar.close(loss_sum / max(seen, 1), correct / max(seen, 1), test_acc, time.perf_counter() - t0)
    elapsed = time.perf_counter() - start
    acc, _, correct, total = evaluate(model, test_loader, nt)
    print(f"test accuracy: {100 * acc:.2f}% ({correct}/{total}) after {args.epochs} epochs in {elapsed:.1f}s",
          file=out, flush=True)
    if dist is not None:
        model = model.module       # the checkpoint holds the plain model's keys
    return model, optimizer, history, acc, elapsed


def save_outputs(args, model, optimizer, history, acc, out=sys.stdout):
    import numtorch as nt
    os.makedirs(args.out, exist_ok=True)
    ckpt = os.path.join(args.out, "checkpoint.pt")
    nt.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": args.epochs,
             "test_accuracy": acc, "history": history,
             "args": {k: v for k, v in vars(args).items() if isinstance(v, (int, float, str, bool, type(None)))}},
            ckpt)
    with open(os.path.join(args.out, "history.json"), "w") as f:
        json.dump(history, f, indent=1)
    png = os.path.join(args.out, "curves.png")
    title = f"numtorch demo ({args.data}): test accuracy {100 * acc:.2f}%"
    try:
        plot_curves(history, png, title)
        wrote = f", {png}"
    except ImportError:
        wrote = " (no plot: matplotlib is not installed; pip install 'numtorch[demo]')"
    print(f"saved {ckpt}{wrote}", file=out, flush=True)
    print(f"export to ONNX: numtorch export {ckpt} --model numtorch.demo:{'digits_net' if args.data == 'digits' else 'make_mynet'} --example-shape {'1,1,8,8' if args.data == 'digits' else '1,3,32,32'} -o {os.path.join(args.out, 'model.onnx')}", file=out, flush=True)  # noqa: E501
    return ckpt, png


def plot_curves(history, path, title):
    """Loss and accuracy per epoch as a PNG (numtorch.viz.plot_history when available)."""
    try:
        import matplotlib
    except ImportError:
        raise
    matplotlib.use("Agg", force=True)
    try:
        from .viz import plot_history
    except ImportError:
        plot_history = None
    if plot_history is not None:
        import matplotlib.pyplot as plt
        fig = plot_history(history, path=path, title=title)
        plt.close(fig)
        return
    import matplotlib.pyplot as plt
    epochs = list(range(1, len(history["loss"]) + 1))
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    a.plot(epochs, history["loss"], marker="o", label="train loss")
    a.plot(epochs, history["test_loss"], marker="o", label="test loss")
    b.plot(epochs, [100 * v for v in history["accuracy"]], marker="o", label="train accuracy")
    b.plot(epochs, [100 * v for v in history["test_accuracy"]], marker="o", label="test accuracy")
    for ax, name in ((a, "loss"), (b, "accuracy (%)")):
        ax.set_xlabel("epoch")
        ax.set_title(name)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    args = build_parser().parse_args(sys.argv[1:] if argv is None else list(argv))
    for k, v in DEFAULTS[args.data].items():
        if getattr(args, k) is None:
            setattr(args, k, v)
    for name in ("epochs", "batch_size"):
        if getattr(args, name) < 1:
            print(f"{PROG}: error: --{name.replace('_', '-')} must be at least 1", file=sys.stderr)
            return 2
    if args.lr <= 0 or args.num_workers < 0 or (args.limit is not None and args.limit < 1):
        print(f"{PROG}: error: --lr must be positive, --num-workers >= 0, --limit >= 1", file=sys.stderr)
        return 2
    if args.nproc_per_node < 1:
        print(f"{PROG}: error: --nproc-per-node must be at least 1", file=sys.stderr)
        return 2
    if args.nproc_per_node > 1 and "OMPI_COMM_WORLD_SIZE" not in os.environ and "PMIX_RANK" not in os.environ:
        return _launch_ranks(args, sys.argv[1:] if argv is None else list(argv))
    try:
        model, optimizer, history, acc, _ = train(args)
        if args.nproc_per_node == 1 or _rank() == 0:
            save_outputs(args, model, optimizer, history, acc)
    except DemoError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    return 0


def _rank():
    import numtorch as nt
    return nt.distributed.get_rank() if nt.distributed.is_initialized() else 0


def _launch_ranks(args, argv):
    """Start ``--nproc-per-node`` ranks of this same command through mpiexec (numtorch run's launcher)."""
    import subprocess
    from .distributed import _launch
    ns = _launch._parser().parse_args(["--nproc-per-node", str(args.nproc_per_node), "--no-python",
                                       sys.executable, "-m", "numtorch", "demo", *argv])
    try:
        cmd, env = _launch.mpiexec_command(ns)
    except (ValueError, RuntimeError) as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    env["NUMTORCH_DEMO_TTY"] = "1" if sys.stdout.isatty() else "0"
    return subprocess.call(cmd, env=env)


if __name__ == "__main__":
    sys.exit(main())
