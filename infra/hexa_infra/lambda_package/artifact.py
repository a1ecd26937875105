"""What `sam build` wrote (.aws-sam/build), checked against what the deployed runtime will load.

- every function's handler module is in its artifact;
- nothing that must not ship is there: the runtime's own SDK (boto3, botocore, dateutil, ...: a copy would
  shadow the runtime's), chalice's CLI, pip/setuptools, opensearch-py's gRPC transport;
- every native library is an arm64 ELF, and every extension module is built for the target CPython;
- the modules are precompiled for the target Python (Lambda's code folders are read-only);
- function + layers stay under Lambda's 250 MB unzipped limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .sources import functions_of, layers_of

NEVER_SHIPPED = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "dateutil",
    "six.py",
    "pip",
    "setuptools",
    "wheel",
    "yaml",
    "click",
    "inquirer",
    "blessed",
    "grpc",
    "google",
    "opensearch_protobufs",
)
AARCH64 = 0xB7  # ELF e_machine
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024


@dataclass
class ArtifactReport:
    sizes: dict[str, int] = field(default_factory=dict)  # artifact -> bytes
    pyc: dict[str, int] = field(default_factory=dict)  # artifact -> precompiled modules for the target
    problems: list[str] = field(default_factory=list)


def inspect(build_dir: Path, *, python_version: str, architecture: int = AARCH64) -> ArtifactReport:
    template = build_dir / "template.yaml"
    report = ArtifactReport()
    tag = "cpython-" + python_version.replace(".", "")
    layers = {layer.logical_id: layer.content_dir for layer in layers_of(template)}
    for name, folder in layers.items():
        _inspect_folder(name, folder, tag, architecture, report)
        if not (folder / "python").is_dir():
            report.problems.append(f"{name}: no python/ folder (Lambda adds /opt/python to sys.path)")
    layer_bytes = sum(report.sizes[name] for name in layers)
    for function in functions_of(template):
        _inspect_folder(function.logical_id, function.code_dir, tag, architecture, report)
        module = function.code_dir / (function.module.replace(".", "/") + ".py")
        if not module.is_file():
            report.problems.append(
                f"{function.logical_id}: handler module {function.module} is not in the artifact"
            )
        if report.sizes[function.logical_id] + layer_bytes > LAMBDA_UNZIPPED_LIMIT:
            report.problems.append(f"{function.logical_id}: over Lambda's 250 MB unzipped with its layers")
    return report


def _inspect_folder(name: str, folder: Path, tag: str, architecture: int, report: ArtifactReport) -> None:
    files = [path for path in folder.rglob("*") if path.is_file()]
    report.sizes[name] = sum(path.stat().st_size for path in files)
    report.pyc[name] = sum(1 for path in files if path.name.endswith(f".{tag}.pyc"))
    roots = [folder, folder / "python"]
    for root in roots:
        for banned in NEVER_SHIPPED:
            if (root / banned).exists():
                report.problems.append(f"{name}: ships {banned} ({(root / banned).relative_to(folder)})")
    for path in files:
        if not _is_elf(path):
            continue
        machine = _elf_machine(path)
        relative = path.relative_to(folder)
        if machine != architecture:
            report.problems.append(
                f"{name}: {relative} is built for ELF machine {machine:#x}, not {architecture:#x}"
            )
        if ".cpython-" in path.name and f".{tag}-" not in path.name:
            report.problems.append(f"{name}: {relative} is an extension for another Python than {tag}")


def _is_elf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def _elf_machine(path: Path) -> int:
    with path.open("rb") as handle:
        header = handle.read(20)
    byteorder = "little" if header[5] == 1 else "big"
    return int.from_bytes(header[18:20], byteorder)
