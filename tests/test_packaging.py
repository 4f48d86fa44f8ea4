"""A built wheel carries ui/, resources/ and db/ and runs from wherever it is installed."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("inl_desktop-*.whl")
    return built


def test_wheel_carries_forms_reference_data_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for source in [
        *ROOT.glob("ui/*.ui"),
        *ROOT.glob("resources/reference/*/*"),
        ROOT / "db/env.py",
        ROOT / "db/script.py.mako",
        *ROOT.glob("db/versions/*.py"),
    ]:
        assert f"inl_desktop/_data/{source.relative_to(ROOT).as_posix()}" in names


def test_wheel_declares_the_inl_desktop_command(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    (entry_points,) = [n for n in archive.namelist() if n.endswith("entry_points.txt")]
    assert "inl-desktop = inl_desktop.cli:main" in archive.read(entry_points).decode()


def test_unpacked_wheel_creates_and_reads_a_database(wheel: Path, tmp_path: Path) -> None:
    """Run from the unpacked wheel, away from the source tree: files are found inside it."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    db = tmp_path / "installed.sqlite"
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "inl_desktop", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    setup = run("setup", "--db", str(db), "--post", "PK-KHI", "--country", "PK")
    assert setup.returncode == 0, setup.stderr
    info = run("info", "--db", str(db), "--json")
    assert info.returncode == 0, info.stderr
    facts = json.loads(info.stdout)
    assert facts["post"]["name"] == "Karachi"
    assert facts["schema_version"] is not None
    located = subprocess.run(
        [sys.executable, "-c", "from inl_desktop import paths; print(paths.ui_dir())"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(located.stdout.strip()).is_relative_to(site)
