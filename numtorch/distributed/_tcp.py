"""Process groups of processes that no MPI launcher started (``torch.multiprocessing.spawn``, processes
started by hand with RANK / WORLD_SIZE / MASTER_ADDR / MASTER_PORT): a TCP mesh.

MPI cannot join such processes: Open MPI's singletons cannot connect to each other without a running
MPI daemon. So rank 0 listens at ``MASTER_ADDR:MASTER_PORT`` (``env://``) or ``tcp://host:port``, every
other rank reports its own listening port there, rank 0 hands out the table and each pair of ranks
opens one socket. Messages are a (tag, length) header followed by the array's raw bytes, received
straight into the destination buffer (objects alone are pickled). Collectives are direct exchanges:
every rank sends its part to every rank that needs it (a sender thread, while this thread receives, so
large messages cannot deadlock) and reduces the parts in rank order, so every rank gets bit-identical
results. That suits the few processes of one machine that spawn starts; many machines want MPI.
"""
import pickle
import select
import socket
import struct
import threading
import time
from urllib.parse import urlparse

from .._backend import xp

_HDR = struct.Struct("<qq")        # tag, payload bytes
_HELLO = struct.Struct("<qq")      # rank, listening port

_REDUCE = {"SUM": xp.add, "AVG": xp.add, "PRODUCT": xp.multiply, "MIN": xp.minimum, "MAX": xp.maximum,
           "BAND": xp.bitwise_and, "BOR": xp.bitwise_or, "BXOR": xp.bitwise_xor}


def _recv_exact(sock, view):
    got = 0
    n = view.nbytes
    while got < n:
        k = sock.recv_into(view[got:], n - got)
        if k == 0:
            raise RuntimeError("numtorch.distributed: a peer process closed its connection (it has exited)")
        got += k


def _bytes_view(buf):
    return memoryview(buf).cast("B") if not isinstance(buf, (bytes, bytearray)) else memoryview(buf)


class _Peer:
    """One socket to one other rank: framed messages; frames of other tags wait in ``stash``."""

    def __init__(self, sock, rank):
        self.sock = sock
        self.rank = rank
        self.send_lock = threading.Lock()
        self.recv_lock = threading.Lock()
        self.stash = []

    def send(self, tag, buf):
        mv = _bytes_view(buf)
        with self.send_lock:
            self.sock.sendall(_HDR.pack(tag, mv.nbytes))
            if mv.nbytes:
                self.sock.sendall(mv)

    def _frame_header(self):
        hdr = bytearray(_HDR.size)
        _recv_exact(self.sock, memoryview(hdr))
        return _HDR.unpack(hdr)

    def _deliver(self, n, buf):
        if buf is None:
            data = bytearray(n)
            _recv_exact(self.sock, memoryview(data))
            return data
        mv = _bytes_view(buf)
        if mv.nbytes != n:
            raise RuntimeError(f"numtorch.distributed: rank {self.rank} sent {n} bytes where {mv.nbytes} "
                               "were expected (mismatched shapes or dtypes between ranks?)")
        _recv_exact(self.sock, mv)
        return buf

    def recv(self, tag, buf=None):
        """The next frame of ``tag``: into ``buf`` (its size must match), or as bytes."""
        with self.recv_lock:
            hit = self._from_stash(tag, buf)
            if hit is not None:
                return hit
            while True:
                t, n = self._frame_header()
                if t == tag:
                    return self._deliver(n, buf)
                self.stash.append((t, self._deliver(n, None)))

    def _from_stash(self, tag, buf):
        for i, (t, data) in enumerate(self.stash):
            if t == tag:
                del self.stash[i]
                if buf is None:
                    return data
                mv = _bytes_view(buf)
                if mv.nbytes != len(data):
                    raise RuntimeError(f"numtorch.distributed: rank {self.rank} sent {len(data)} bytes where "
                                       f"{mv.nbytes} were expected")
                mv[:] = data
                return buf
        return None

    def poll_one(self, tag, buf):
        """Read one waiting frame; True when it was ``tag``'s (delivered into ``buf``)."""
        with self.recv_lock:
            if self._from_stash(tag, buf) is not None:
                return True
            t, n = self._frame_header()
            if t == tag:
                self._deliver(n, buf)
                return True
            self.stash.append((t, self._deliver(n, None)))
            return False


class _Done:
    """An operation that completed when it was started (the synchronous exchanges)."""

    def __init__(self, result=None):
        self.done = True
        self.result = result
        self.finish = None

    def wait(self):
        if self.finish is not None:
            f, self.finish = self.finish, None
            f()
        return self.result

    def test(self):
        self.wait()
        return True


class _Threaded:
    """A point-to-point operation running in its own thread (isend / irecv)."""

    def __init__(self, fn):
        self.done = False
        self.result = None
        self.finish = None
        self._err = None
        self._out = None

        def run():
            try:
                self._out = fn()
            except BaseException as e:  # re-raised by wait()
                self._err = e
        self._t = threading.Thread(target=run, daemon=True)
        self._t.start()

    def wait(self):
        if not self.done:
            self._t.join()
            if self._err is not None:
                raise self._err
            self.done = True
            self.result = self._out
            if self.finish is not None:
                f, self.finish = self.finish, None
                f()
        return self.result

    def test(self):
        if not self.done and not self._t.is_alive():
            self.wait()
        return self.done


class _Mesh:
    """The sockets of this process to every other rank of the world."""

    def __init__(self, rank, size, peers, server):
        self.rank = rank
        self.size = size
        self.peers = peers
        self.server = server
        self.groups = 0

    def close(self):
        for p in self.peers.values():
            try:
                p.sock.close()
            except OSError:
                pass
        self.peers = {}


def _parse(init_method):
    import os
    if init_method.startswith("env://"):
        env = os.environ
        for var in ("MASTER_ADDR", "MASTER_PORT"):
            if var not in env:
                raise ValueError(f"Error initializing torch.distributed using env:// rendezvous: environment "
                                 f"variable {var} expected, but not set")
        return env["MASTER_ADDR"], int(env["MASTER_PORT"])
    if init_method.startswith("tcp://"):
        u = urlparse(init_method)
        if u.hostname is None or u.port is None:
            raise ValueError(f"tcp:// init_method needs host and port, got {init_method!r}")
        return u.hostname, u.port
    raise RuntimeError(f"numtorch has no rendezvous {init_method.split('://')[0]}:// for processes started "
                       "without an MPI launcher: use env:// or tcp://host:port (or launch with numtorch run / "
                       "mpiexec)")


def connect(init_method, rank, world_size, timeout):
    """Join the TCP mesh of ``world_size`` processes; the world's communicator."""
    host, port = _parse(init_method)
    if not 0 <= rank < world_size:
        raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {world_size - 1}]")
    deadline = time.monotonic() + timeout.total_seconds()
    listener = socket.create_server(("", 0 if rank else port), backlog=max(world_size, 8))
    listener.settimeout(max(deadline - time.monotonic(), 1))
    peers = {}

    def tune(s):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.settimeout(None)
        return s

    if rank == 0:
        table = {}
        for _ in range(world_size - 1):
            conn, addr = listener.accept()
            hello = bytearray(_HELLO.size)
            _recv_exact(conn, memoryview(hello))
            r, lport = _HELLO.unpack(hello)
            peers[r] = _Peer(tune(conn), r)
            table[r] = (addr[0], lport)
        blob = pickle.dumps(table)
        for p in peers.values():
            p.send(0, blob)
    else:
        while True:
            try:
                c = socket.create_connection((host, port), timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"numtorch.distributed: rank {rank} could not reach rank 0 at {host}:{port} "
                                       f"within the timeout") from None
                time.sleep(0.05)
        c.sendall(_HELLO.pack(rank, listener.getsockname()[1]))
        p0 = peers[0] = _Peer(tune(c), 0)
        table = pickle.loads(p0.recv(0))
        for j in range(1, rank):
            s = socket.create_connection(table[j], timeout=max(deadline - time.monotonic(), 1))
            s.sendall(_HELLO.pack(rank, 0))
            peers[j] = _Peer(tune(s), j)
        for _ in range(rank + 1, world_size):
            conn, _ = listener.accept()
            hello = bytearray(_HELLO.size)
            _recv_exact(conn, memoryview(hello))
            j, _ = _HELLO.unpack(hello)
            peers[j] = _Peer(tune(conn), j)
    listener.close()
    mesh = _Mesh(rank, world_size, peers, None)
    return Comm(mesh, list(range(world_size)), gid=0)


class Comm:
    """A process group over the mesh: ``members[i]`` is group rank i's world rank."""

    def __init__(self, mesh, members, gid):
        self.mesh = mesh
        self.members = members
        self.rank = members.index(mesh.rank)
        self.size = len(members)
        self.tag = -1 - gid          # collectives of this group; user tags (p2p) are >= 0

    def _peer(self, j):
        return self.mesh.peers[self.members[j]]

    def _exchange(self, sends, recvs, tag=None):
        """Send ``sends[j]`` to group rank j and receive ``recvs[j]`` (a buffer, or None for bytes) from
        j, for every j given; returns the received objects."""
        tag = self.tag if tag is None else tag
        n, me = self.size, self.rank
        err = []

        def sender():
            try:
                for k in range(1, n):
                    j = (me + k) % n
                    if j in sends:
                        self._peer(j).send(tag, sends[j])
            except BaseException as e:
                err.append(e)
        t = None
        if sends:
            t = threading.Thread(target=sender, daemon=True)
            t.start()
        got = {}
        for k in range(1, n):
            j = (me - k) % n
            if j in recvs:
                got[j] = self._peer(j).recv(tag, recvs[j])
        if t is not None:
            t.join()
        if err:
            raise err[0]
        return got

    def _reduce_parts(self, parts, op, out):
        """``out`` = the reduction of ``parts`` (in rank order: the same bits on every rank)."""
        f = _REDUCE[op]
        out[...] = parts[0]
        for p in parts[1:]:
            f(out, p, out=out)

    # collectives: same signatures as _mpi.Comm, each done when it returns
    def allreduce(self, buf, op, blocking=True):
        if self.size > 1:
            others = {j: xp.empty_like(buf) for j in range(self.size) if j != self.rank}
            self._exchange({j: buf for j in others}, others)
            parts = [buf.copy() if j == self.rank else others[j] for j in range(self.size)]
            self._reduce_parts(parts, op, buf)
        return _Done()

    def broadcast(self, buf, root):
        if self.rank == root:
            self._exchange({j: buf for j in range(self.size) if j != root}, {})
        else:
            self._exchange({}, {root: buf})
        return _Done()

    def reduce(self, buf, op, root):
        if self.rank == root:
            others = {j: xp.empty_like(buf) for j in range(self.size) if j != root}
            self._exchange({}, others)
            parts = [buf.copy() if j == root else others[j] for j in range(self.size)]
            self._reduce_parts(parts, op, buf)
        else:
            self._exchange({root: buf}, {})
        return _Done()

    def allgather(self, send, recv):
        rows = recv.reshape(self.size, -1)
        rows[self.rank] = send.reshape(-1)
        self._exchange({j: send for j in range(self.size) if j != self.rank},
                       {j: rows[j] for j in range(self.size) if j != self.rank})
        return _Done()

    def gather(self, send, recv, root):
        if self.rank == root:
            rows = recv.reshape(self.size, -1)
            rows[root] = send.reshape(-1)
            self._exchange({}, {j: rows[j] for j in range(self.size) if j != root})
        else:
            self._exchange({root: send}, {})
        return _Done()

    def scatter(self, send, recv, root):
        if self.rank == root:
            rows = xp.ascontiguousarray(send).reshape(self.size, -1)
            recv.reshape(-1)[...] = rows[root]
            self._exchange({j: rows[j] for j in range(self.size) if j != root}, {})
        else:
            self._exchange({}, {root: recv})
        return _Done()

    def reduce_scatter(self, send, recv, op):
        chunks = xp.ascontiguousarray(send).reshape(self.size, -1)
        others = {j: xp.empty_like(chunks[self.rank]) for j in range(self.size) if j != self.rank}
        self._exchange({j: chunks[j] for j in others}, others)
        parts = [chunks[self.rank].copy() if j == self.rank else others[j] for j in range(self.size)]
        self._reduce_parts(parts, op, recv.reshape(-1))
        return _Done()

    def alltoallv(self, send, scounts, sdispls, recv, rcounts, rdispls):
        me = self.rank
        recv[rdispls[me]:rdispls[me] + rcounts[me]] = send[sdispls[me]:sdispls[me] + scounts[me]]
        self._exchange({j: send[sdispls[j]:sdispls[j] + scounts[j]] for j in range(self.size) if j != me},
                       {j: recv[rdispls[j]:rdispls[j] + rcounts[j]] for j in range(self.size) if j != me})
        return _Done()

    def barrier(self):
        self._exchange({j: b"" for j in range(self.size) if j != self.rank},
                       {j: None for j in range(self.size) if j != self.rank})
        return _Done()

    def send(self, buf, dst, tag):
        peer = self._peer(dst)
        return _Threaded(lambda: peer.send(tag, buf))

    def recv(self, buf, src, tag):
        if src is not None:
            peer = self._peer(src)
            return _Threaded(lambda: (peer.recv(tag, buf), src)[1])

        def any_source():
            socks = {self._peer(j).sock: j for j in range(self.size) if j != self.rank}
            while True:
                for j in socks.values():       # a frame already read while waiting for another tag
                    if self._peer(j)._from_stash(tag, buf) is not None:
                        return j
                ready, _, _ = select.select(list(socks), [], [], 0.1)
                for s in ready:
                    if self._peer(socks[s]).poll_one(tag, buf):
                        return socks[s]
        return _Threaded(any_source)

    # objects
    def allgather_obj(self, obj):
        blob = pickle.dumps(obj)
        got = self._exchange({j: blob for j in range(self.size) if j != self.rank},
                             {j: None for j in range(self.size) if j != self.rank})
        return [obj if j == self.rank else pickle.loads(got[j]) for j in range(self.size)]

    def bcast_obj(self, obj, root):
        if self.rank == root:
            blob = pickle.dumps(obj)
            self._exchange({j: blob for j in range(self.size) if j != root}, {})
            return obj
        return pickle.loads(self._exchange({}, {root: None})[root])

    def gather_obj(self, obj, root):
        if self.rank == root:
            got = self._exchange({}, {j: None for j in range(self.size) if j != root})
            return [obj if j == root else pickle.loads(got[j]) for j in range(self.size)]
        self._exchange({root: pickle.dumps(obj)}, {})
        return None

    def scatter_obj(self, objs, root):
        if self.rank == root:
            self._exchange({j: pickle.dumps(objs[j]) for j in range(self.size) if j != root}, {})
            return objs[root]
        return pickle.loads(self._exchange({}, {root: None})[root])

    def split(self, member, key):
        info = self.allgather_obj((member, key))
        self.mesh.groups += 1          # every rank calls split in the same order: the same group id
        gid = self.mesh.groups
        if not member:
            return None
        order = sorted((k, j) for j, (m, k) in enumerate(info) if m)
        return Comm(self.mesh, [self.members[j] for _, j in order], gid)

    def free(self):
        if self.tag == -1:
            self.mesh.close()

    def abort(self, code=1):
        import os
        os._exit(code)
