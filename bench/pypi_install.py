"""`pip install` and `uv pip install` of 100 packages, served by Wharf and by pypiserver from the
same wheels, in one run (run by scripts/bench-pypi; prints a table).

Both indexes run on loopback with fresh storage: a release `wharf` (Basic aws:TOKEN in the index
URL, as `aws codeartifact login --tool pip` writes it) and pypiserver (`pypi-server run`, no
authentication, the wheels in its package directory). The 100 wheels (`bench-dep-000` …
`bench-dep-099`, each a small module plus 8 KB of incompressible data, no dependencies) are written
once here and uploaded to Wharf with twine. Each installer then runs ROUNDS times per index,
alternating, each time into an empty target with no cache, so every page and file is fetched. The
table gives the median and the ratio Wharf / pypiserver.
"""

import base64
import hashlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from conftest import Wharf, token  # noqa: E402

N = int(os.environ.get("BENCH_PYPI_PACKAGES", "100"))
ROUNDS = int(os.environ.get("BENCH_PYPI_ROUNDS", "3"))
BIN = Path(os.environ.get("WHARF_PYPI_VENV", Path.home() / ".cache/wharf-tools/pypi-venv")) / "bin"


def wheel(out: Path, name, version="1.0"):
    mod = name.replace("-", "_")
    dist = f"{mod}-{version}.dist-info"
    files = {
        f"{mod}/__init__.py": (f"# {name}\n" + "def f():\n    return 42\n" * 40).encode(),
        f"{mod}/data.bin": hashlib.sha512(name.encode()).digest() * 128,
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n".encode(),
        f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: wharf-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(
        f"{p},sha256={base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b'=').decode()},{len(b)}\n"
        for p, b in files.items()) + f"{dist}/RECORD,,\n"
    files[f"{dist}/RECORD"] = record.encode()
    path = out / f"{mod}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for p, b in files.items():
            z.writestr(p, b)
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(home: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "PYTHON"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_NO_INPUT="1", UV_NO_CONFIG="1", UV_PYTHON_DOWNLOADS="never",
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    return env


def timed(cmd, env):
    start = time.perf_counter()
    p = subprocess.run([str(c) for c in cmd], env=env, capture_output=True, text=True, timeout=1200)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return time.perf_counter() - start


def main():
    work = Path(tempfile.mkdtemp(prefix="wharf-bench-pypi-"))
    wharf = server = None
    try:
        wheels = work / "wheels"
        wheels.mkdir()
        names = [f"bench-dep-{i:03d}" for i in range(N)]
        files = [wheel(wheels, n) for n in names]
        (work / "requirements.txt").write_text("".join(f"{n}==1.0\n" for n in names))
        home = work / "home"
        home.mkdir()
        env = clean_env(home)

        wharf = Wharf(work / "wharf-data")
        wharf.ok("create-domain", "--domain", "my-domain")
        wharf.ok("create-repository", "--domain", "my-domain", "--repository", "bench")
        tok = token(wharf)
        upload = f"{wharf.endpoint}/pypi/my-domain/bench/"
        subprocess.run([BIN / "twine", "upload", "--non-interactive", "--disable-progress-bar",
                        "--repository-url", upload, "-u", "aws", "-p", tok, *files],
                       env=env, check=True, capture_output=True, timeout=1200)
        wharf_index = upload.replace("://", f"://aws:{tok}@") + "simple/"

        port = free_port()
        server = subprocess.Popen([BIN / "pypi-server", "run", "-i", "127.0.0.1", "-p", str(port), "-a", ".",
                                   "-P", ".", str(wheels)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        pypiserver_index = f"http://127.0.0.1:{port}/simple/"
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(pypiserver_index + "bench-dep-000/", timeout=2).read()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError("pypiserver did not start")
                time.sleep(0.2)

        def pip(index, target):
            return [BIN / "pip", "install", "--no-cache-dir", "--no-deps", "--target", target,
                    "--index-url", index, "-r", work / "requirements.txt"]

        def uv(index, target):
            return [BIN / "uv", "pip", "install", "--no-cache", "--no-deps", "--python", BIN / "python",
                    "--target", target, "--index-url", index, "-r", work / "requirements.txt"]

        results = {}
        for tool, cmd in [("pip install", pip), ("uv pip install", uv)]:
            for _ in range(ROUNDS):
                for label, index in [("wharf", wharf_index), ("pypiserver", pypiserver_index)]:
                    target = work / "target"
                    shutil.rmtree(target, ignore_errors=True)
                    results.setdefault((tool, label), []).append(timed(cmd(index, target), env))
        print(f"{N} packages, {ROUNDS} rounds each, alternating; empty cache and target every run")
        print(f"{'installer':<16} {'wharf (median)':>15} {'pypiserver (median)':>20} {'ratio':>7}")
        for tool in ["pip install", "uv pip install"]:
            w, p = statistics.median(results[(tool, "wharf")]), statistics.median(results[(tool, "pypiserver")])
            print(f"{tool:<16} {w:>14.2f}s {p:>19.2f}s {w / p:>6.2f}x")
        for key, times in results.items():
            print(f"  {key[0]} / {key[1]}: " + ", ".join(f"{t:.2f}s" for t in times))
    finally:
        if server:
            server.kill()
            server.wait()
        if wharf:
            wharf.kill9()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
