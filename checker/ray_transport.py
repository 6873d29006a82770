"""Ray as a second transport: the session ``--ray [ADDRESS]`` opens, and the private network it needs.

No Kubernetes file is modelled here: this is infrastructure. The engines that use it keep one
engine and choose the transport: :mod:`kubecheck.manifest.fanout` sends the plan's workloads
as Ray tasks instead of to a local process pool, and :mod:`kubecheck.checker.explicit.workers`
puts each partition of the search in a Ray actor instead of a forked process. Both ask
:func:`active` whether the run has a Ray session.

**Nothing listens on a network port unless asked** (DESIGN.md). A local Ray head (GCS, raylet,
object manager, core workers) opens a dozen gRPC listeners; on a machine with a network it may
bind them on every interface whatever ``--node-ip-address`` says. So ``--ray`` with no ADDRESS
never starts a head in the machine's network: the run re-executes itself in a **private
network namespace** (``unshare --user --map-root-user --net``, loopback brought up), whose only
interface is ``lo``, starts the head there (``ray.init(address="local")``) and tears it down
at exit; nothing outside the namespace can reach its ports. The namespace has its own process
ids too (``--pid --fork --kill-child``): the run is its init, so when the run ends — even
killed — the kernel kills every Ray process left in it (a head outlives a killed driver
otherwise: seen while this was written). Where the namespace cannot be
created, ``--ray`` refuses with one line (exit 2) that says how to start a head yourself and
pass its ADDRESS. ``--ray ADDRESS`` connects to the user's cluster: they asked for it.

Ray is an optional extra (``pip install 'kubecheck[ray]'``); without it ``--ray`` exits 2 with
that line.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import NoReturn

#: The line that installs Ray with kubecheck.
INSTALL = "pip install 'kubecheck[ray]'"
#: Set (to "1") in the environment of a run re-executed inside its private network namespace.
NETNS_ENV = "KUBECHECK_RAY_NETNS"
#: How to run a head yourself, for the refusal when the namespace cannot be created.
START_HEAD = "start a head yourself (ray start --head --node-ip-address=127.0.0.1) and pass its ADDRESS: --ray ADDRESS"
#: The environment of a run inside the namespace: the marker, and Ray told to take loopback as the node's
#: address (its single-machine setting, named after the platforms where it is the default) instead of
#: probing 8.8.8.8 for a "reachable" one, which fails there and warns on stderr.
NAMESPACE_ENV = {NETNS_ENV: "1", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
#: Seconds the probe of ``unshare`` may take.
PROBE_SECONDS = 10.0
#: Seconds to wait for a TCP connection to ``--ray ADDRESS`` before saying nothing answers there.
CONNECT_SECONDS = 5.0
#: The shell line run first inside the namespace: loopback up, then the run itself.
_INSIDE = 'ip link set lo up && exec "$@"'


class RayUnavailable(Exception):
    """``--ray`` cannot run here: ``str()`` is one line saying why and what to do."""


_session: dict[str, str | None] = {}


def require() -> ModuleType:
    """The ``ray`` module, or :class:`RayUnavailable` with the install line."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable(f"--ray: Ray is not installed; install it with {INSTALL}") from None
    return ray


def interfaces() -> list[str]:
    """The network interfaces of this process's network namespace (``/proc/self/net/dev``).

    Not ``/sys/class/net``: sysfs shows the namespace that mounted it, not the caller's.
    """
    with open("/proc/self/net/dev") as f:
        return [line.split(":", 1)[0].strip() for line in f.readlines()[2:] if ":" in line]


def is_private_network() -> bool:
    """This process runs in a network namespace whose only interface is loopback."""
    try:
        return interfaces() == ["lo"]
    except OSError:
        return False


def namespace_command() -> list[str] | None:
    """The prefix running a command line in a new private network namespace, loopback up (None: tools missing)."""
    unshare, ip, sh = shutil.which("unshare"), shutil.which("ip"), shutil.which("sh")
    if not (unshare and ip and sh):
        return None
    namespaces = ["--user", "--map-root-user", "--net", "--pid", "--fork", "--kill-child"]
    return [unshare, *namespaces, "--", sh, "-c", _INSIDE, "kubecheck-ray"]


def namespace_problem() -> str | None:
    """Why a private network namespace cannot be created here (None: it can), from a trial run."""
    command = namespace_command()
    if command is None:
        return "unshare, ip or sh is not on PATH"
    try:
        done = subprocess.run([*command, "true"], capture_output=True, text=True, timeout=PROBE_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as err:
        return str(err)
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
    return None


def enter_private_network(argv: Sequence[str]) -> NoReturn:
    """Re-execute ``argv`` (a full command line) in a new private network namespace; never returns.

    The process image is replaced (same pid, same standard streams), so the exit code and the
    output are the run's own. :class:`RayUnavailable` if the namespace cannot be created.
    """
    problem = namespace_problem()
    command = namespace_command()
    if problem is not None or command is None:
        raise RayUnavailable(f"--ray: cannot create a private network namespace ({problem}); {START_HEAD}")
    os.execve(command[0], [*command, *argv], {**os.environ, **NAMESPACE_ENV})


@contextlib.contextmanager
def session(address: str | None) -> Iterator[None]:
    """A Ray session for the run: the user's cluster at ``address``, or (None) a local head.

    A local head is started only inside a private network namespace (:func:`is_private_network`;
    otherwise :class:`RayUnavailable`), in its own temporary directory, and torn down on exit.
    """
    ray = require()
    temp_dir = None
    if address is None:
        if not is_private_network():
            raise RayUnavailable(f"--ray: a local Ray head starts only in a private network namespace; {START_HEAD}")
        temp_dir = tempfile.mkdtemp(prefix="kubecheck-ray-")
        ray.init(
            address="local",
            _node_ip_address="127.0.0.1",  # the namespace's only address (and no probe of the outside world)
            include_dashboard=False,
            log_to_driver=False,
            logging_level="error",
            _temp_dir=temp_dir,
        )
    else:
        problem = unreachable(address)
        if problem is not None:
            raise RayUnavailable(f"--ray {address}: no Ray cluster answers there ({problem}); {START_HEAD}")
        try:
            ray.init(address=address, log_to_driver=False, logging_level="error")
        except (ConnectionError, RuntimeError, ValueError) as err:
            last = (str(err).strip().splitlines() or [type(err).__name__])[-1]
            raise RayUnavailable(f"--ray {address}: cannot connect to a Ray cluster there ({last})") from None
    _session["address"] = address
    try:
        yield
    finally:
        _session.clear()
        ray.shutdown()
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)


def unreachable(address: str) -> str | None:
    """Why nothing accepts a TCP connection at ``address`` (``host:port`` or ``ray://host:port``), None if it does.

    Ray itself retries an address where nothing listens for minutes, warning on stderr all along.
    """
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS):
            return None
    except (OSError, ValueError) as err:
        return str(err) or type(err).__name__


def active() -> bool:
    """The run has a Ray session (:func:`session`): the fan-out and the partitioned search use Ray."""
    return bool(_session)


def cluster_cpus() -> int:
    """The CPUs of the session's cluster (at least 1)."""
    ray = require()
    return max(1, int(ray.cluster_resources().get("CPU", 1)))
