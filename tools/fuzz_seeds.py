#!/usr/bin/env python3
"""Seeds of the scenario-loader fuzzer (`make fuzz`): every built-in and test scenario folder packed
into one text in the archive format of tests/fuzz/scenario_archive.hpp (scenario.yaml, then
`==> NAME <==` and each CSV table; a base named by `extends: ../folder` comes along under
`../folder/`, a built-in base is found by name).

    tools/fuzz_seeds.py OUTPUT_FOLDER
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def folder_files(folder: pathlib.Path, prefix: str = "") -> dict[str, str]:
    files = {}
    for path in sorted(folder.iterdir()):
        if path.name == "scenario.yaml" or path.suffix == ".csv":
            files[prefix + path.name] = path.read_text(encoding="utf-8")
    base = re.search(r"^extends:\s*(\S+)", files.get(prefix + "scenario.yaml", ""), re.M)
    if base and base.group(1).startswith("../"):
        name = base.group(1).rstrip("/")
        files.update(folder_files((folder / name).resolve(), prefix + name + "/"))
    return files


def pack(files: dict[str, str]) -> str:
    text = files.pop("scenario.yaml")
    for name, content in files.items():
        if not text.endswith("\n"):
            text += "\n"
        text += f"==> {name} <==\n{content}"
    return text


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    folders = sorted(ROOT.glob("scenarios/*/scenario.yaml")) + sorted(ROOT.glob("tests/data/*/scenario.yaml"))
    for yaml in folders:
        folder = yaml.parent
        (out / f"{folder.parent.name}-{folder.name}.txt").write_text(pack(folder_files(folder)), encoding="utf-8")
    print(f"{len(folders)} seeds in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
