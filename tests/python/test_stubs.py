"""The package's types: inline annotations, the generated stubs (python/migsim/*.pyi), and their use by a type checker.

The modules are annotated inline. Stubs remain only where the runtime builds its API from the engine's
schemas (``events.pyi``: one class per event type; ``scenario.pyi``: the parameters as attributes) and for
the compiled core (``_core.pyi``). The generated parts are written by tools/generate_stubs.py (`make docs`);
the rest of those stubs is hand-written, so these tests compare it with the runtime API: every public name
has a stub and a docstring, and the stubs declare nothing the runtime lacks. Every public name of the
annotated modules has a docstring. With mypy installed (requirements-dev.txt) they also type-check the
package (``--strict``), examples (a misspelt keyword must be reported, correct calls must pass, and so must
the examples of docs/python.md) and run mypy's stubtest, which compares every signature with the runtime one.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import keyword
import os
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any

import pytest

import migsim

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "python" / "migsim"
# Modules whose API is built at run time from the engine's schemas: a stub (partly generated) describes them.
STUBBED = ["migsim.scenario", "migsim.events"]
# Modules annotated inline (no stub).
ANNOTATED = ["migsim", "migsim.run", "migsim.simulation", "migsim.results", "migsim.ensemble", "migsim.observed",
             "migsim.calibration", "migsim.sensitivity", "migsim.validate", "migsim.settings", "migsim.schema",
             "migsim._workers", "migsim._progress", "migsim._lazy", "migsim._files", "migsim.periods", "migsim.tables",
             "migsim.report", "migsim._cli", "migsim.states", "migsim.backtest", "migsim.validation_doc",
             "migsim.drift"]
MODULES = STUBBED + ANNOTATED
# Dunder methods that are part of a class's interface (the others are Python machinery).
PROTOCOL = {"__init__", "__call__", "__getitem__", "__setitem__", "__iter__", "__len__", "__contains__", "__eq__",
            "__hash__", "__copy__", "__deepcopy__", "__getstate__", "__setstate__", "__enter__", "__exit__"}


def _module(name: str) -> Any:
    # `migsim.run` is the function; the module is in sys.modules.
    importlib.import_module(name)
    return sys.modules[name]


def _source(name: str, suffix: str) -> Path:
    """python/migsim/<module><suffix> of a module name (``migsim`` -> ``__init__``)."""
    return PACKAGE / (("__init__" if name == "migsim" else name.split(".")[1]) + suffix)


def _is_public(name: str) -> bool:
    return not name.startswith("_") or name in ("__version__",)


class _Stub:
    """Names a module (stub or source) binds at top level and, per class, in its body."""

    def __init__(self, path: Path) -> None:
        self.tree = ast.parse(path.read_text(), filename=str(path))
        self.names: dict[str, ast.AST] = {}
        self.classes: dict[str, ast.ClassDef] = {}
        self.all: list[str] | None = None
        for node in self.tree.body:
            for name in self._bound(node):
                self.names[name] = node
            if isinstance(node, ast.ClassDef):
                self.classes[node.name] = node
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and "__all__" in self._bound(node):
                value = node.value
                if isinstance(value, (ast.List, ast.Tuple)):
                    self.all = [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]

    @staticmethod
    def _bound(node: ast.AST) -> list[str]:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return [node.name]
        if isinstance(node, ast.Assign):
            return [t.id for t in node.targets if isinstance(t, ast.Name)]
        if isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
            return [node.target.id]
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return [(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"]
        return []

    def reexported(self) -> set[str]:
        """Names a stub re-exports: ``import x as x``, ``from m import x as x``, or listed in ``__all__``."""
        names = set(self.all or [])
        for node in self.tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names |= {a.asname for a in node.names if a.asname and a.asname == a.name.split(".")[-1]}
            else:
                names |= set(self._bound(node))
        return names

    def instance_attributes(self, cls: str) -> set[str]:
        """Names annotated in a class body without a value or ClassVar: set on instances (in __init__)."""
        return {item.target.id for item in self.classes[cls].body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and item.value is None
                and "ClassVar" not in ast.unparse(item.annotation)}

    def members(self, cls: str) -> set[str]:
        """Names bound in a class body, with those of its bases defined in the same stub."""
        node = self.classes[cls]
        out: set[str] = set()
        for item in node.body:
            out |= set(self._bound(item))
        for base in node.bases:
            if isinstance(base, ast.Name) and base.id in self.classes:
                out |= self.members(base.id)
        return out


def _stub(name: str) -> _Stub:
    return _Stub(_source(name, ".pyi"))


def _defined_here(name: str) -> list[str]:
    """Public names the module's source defines (not imports), plus its ``__all__``."""
    source = _Stub(_source(name, ".py"))
    module = _module(name)
    names = [n for n, node in source.names.items()
             if _is_public(n) and not isinstance(node, (ast.Import, ast.ImportFrom)) and n != "__all__"
             and not isinstance(getattr(module, n, None), types.ModuleType)]  # lazily imported modules
    return list(dict.fromkeys(names + [n for n in getattr(module, "__all__", []) if _is_public(n)]))


def _doc(cls: type, name: str) -> str | None:
    """The docstring of member `name` of `cls`, or of the member it overrides (as inspect.getdoc would)."""
    for klass in cls.__mro__:
        if name in vars(klass):
            member = vars(klass)[name]
            if isinstance(member, (classmethod, staticmethod)):
                member = member.__func__
            doc = getattr(member, "__doc__", None)
            if isinstance(doc, str) and doc.strip():
                return doc
    return None


def _interface(cls: type) -> list[str]:
    """Members defined in the body of `cls` that users see: public names and protocol dunders."""
    return [name for name in vars(cls) if _is_public(name) or name in PROTOCOL]


def _is_method(member: Any) -> bool:
    return inspect.isfunction(member) or isinstance(member, (property, classmethod, staticmethod))


# ----------------------------------------------------------------------------------------- freshness


def test_stubs_are_fresh() -> None:
    result = subprocess.run([sys.executable, str(REPO / "tools" / "generate_stubs.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_stubs_only_where_the_runtime_is_built_from_schemas() -> None:
    """An annotated module with a stub beside it would hide its annotations from type checkers."""
    stubs = sorted(path.name for path in PACKAGE.glob("*.pyi"))
    assert stubs == sorted(_source(name, ".pyi").name for name in STUBBED + ["migsim._core"])
    modules = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert modules == sorted(_source(name, ".py").name for name in MODULES), "a new module goes into STUBBED or ANNOTATED"
    assert (PACKAGE / "py.typed").is_file()


# -------------------------------------------------------------------------------------- completeness


def test_all_names_exist_once() -> None:
    assert len(set(migsim.__all__)) == len(migsim.__all__)
    assert [name for name in migsim.__all__ if not hasattr(migsim, name)] == []
    assert set(migsim.events.__all__) <= set(migsim.__all__)


def test_every_public_name_of_an_annotated_module_has_a_docstring() -> None:
    problems: list[str] = []
    for name in ANNOTATED:
        module = _module(name)
        for attr in _defined_here(name):
            where = f"{name}.{attr}"
            if not hasattr(module, attr):
                problems.append(f"{where}: in {_source(name, '.py').name}, not in the installed package (make build)")
                continue
            value = getattr(module, attr)
            if not (inspect.isclass(value) or inspect.isfunction(value)):
                continue  # constants and type aliases: no docstring of their own
            if not (value.__doc__ or "").strip():
                problems.append(f"{where}: no docstring")
            if not inspect.isclass(value) or value.__module__ not in (name, "migsim"):
                continue
            for member in _interface(value):
                if _is_public(member) and _is_method(vars(value)[member]) and not _doc(value, member):
                    problems.append(f"{where}.{member}: no docstring")
    assert not problems, "\n".join(problems)


def test_every_public_name_has_a_stub_and_a_docstring() -> None:
    problems: list[str] = []
    for name in STUBBED:
        module, stub = _module(name), _stub(name)
        exported = stub.reexported()
        for attr in _defined_here(name):
            where = f"{name}.{attr}"
            if attr not in exported:
                problems.append(f"{where}: no stub")
            if not hasattr(module, attr):
                problems.append(f"{where}: in {_source(name, '.py').name}, not in the installed package (make build)")
                continue
            value = getattr(module, attr)
            if not (inspect.isclass(value) or inspect.isfunction(value)):
                continue  # constants and type aliases: no docstring of their own
            if not (value.__doc__ or "").strip():
                problems.append(f"{where}: no docstring")
            if not inspect.isclass(value) or value.__module__ not in (name, "migsim"):
                continue
            stub_members = stub.members(attr) if attr in stub.classes else None
            if stub_members is None:
                # A class re-exported by the stub from another module is checked there.
                continue
            for member in _interface(value):
                if member not in stub_members:
                    problems.append(f"{where}.{member}: no stub")
                # __init__ and the other dunders are documented by the class docstring.
                if _is_public(member) and _is_method(vars(value)[member]) and not _doc(value, member):
                    problems.append(f"{where}.{member}: no docstring")
    assert not problems, "\n".join(problems)


def test_stubs_declare_only_what_exists() -> None:
    """Every name a stub declares exists at run time (generated attributes: in the schemas)."""
    fields = {migsim.EVENT_TYPES[spec["name"]].__name__: {f["name"] for f in spec["fields"]}
              for spec in migsim._core.event_schema()}
    sections = {key.split(".")[0] for key in (p["key"] for p in migsim._core.parameter_schema())}
    problems = []
    for name in STUBBED + ["migsim._core"]:
        module, stub = _module(name), _stub(name)
        for attr, node in stub.names.items():
            private = attr.startswith("_") and attr not in ("__version__", "__all__")
            if private or isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            if not hasattr(module, attr):
                problems.append(f"{name}.{attr}: in the stub, not at run time")
                continue
            if attr not in stub.classes:
                continue
            runtime = getattr(module, attr)
            # Event fields and parameter sections are looked up through __getattr__ at run time.
            dynamic = fields.get(attr, set()) | (sections if name == "migsim.scenario" and attr == "Scenario" else set())
            for member in stub.members(attr) - stub.instance_attributes(attr) - dynamic:
                if not hasattr(runtime, member):
                    problems.append(f"{name}.{attr}.{member}: in the stub, not at run time")
    assert not problems, "\n".join(problems)


def test_event_stub_docstrings_are_the_runtime_ones() -> None:
    stub = _stub("migsim.events")
    for cls in migsim.EVENT_TYPES.values():
        assert ast.get_docstring(stub.classes[cls.__name__]) == inspect.cleandoc(cls.__doc__ or ""), cls.__name__


def test_core_stub_covers_the_compiled_module() -> None:
    stub = _stub("migsim._core")
    core = migsim._core
    public = [n for n in dir(core) if not n.startswith("_")]
    assert sorted(n for n in public if n not in stub.names) == []
    for cls in ("Scenario", "Simulation"):
        members = [n for n in dir(getattr(core, cls)) if not n.startswith("_")]
        assert sorted(n for n in members if n not in stub.members(cls)) == [], cls


def test_stubs_are_installed_with_the_package() -> None:
    """scikit-build-core puts every file of python/migsim in the wheel; `make build` refreshes the install (and
    removes the stubs of an earlier install, which would hide the annotations of the modules they describe)."""
    installed = Path(migsim.__file__).parent
    for stub in sorted(PACKAGE.glob("*.pyi")) + [PACKAGE / "py.typed"]:
        copy = installed / stub.name
        assert copy.is_file(), f"{copy} is missing: rebuild with `make build`"
        assert copy.read_text() == stub.read_text(), f"{copy} differs from {stub}: rebuild with `make build`"
    stale = sorted({p.name for p in installed.glob("*.pyi")} - {p.name for p in PACKAGE.glob("*.pyi")})
    assert stale == [], f"stubs installed that the source no longer has: {stale}; rebuild with `make build`"


# ---------------------------------------------------------------------------------------------- mypy

GOOD = '''
import datetime
import migsim
import xarray as xr
from migsim.sensitivity import Output

sc: migsim.Scenario = migsim.Scenario.load("quota-cut", run__scale=100)
sc.set("behaviour.departure.base_rate", 0.02)["behaviour.return.base_rate"] = 0.4
sc.behaviour.departure.base_rate = 0.02
rate: float = sc.behaviour.departure.base_rate
sc.calendar.end = datetime.date(2028, 12, 31)
end: str = sc.calendar.end
sc.name = "quota-cut-variant"
label: str = sc.add_event(migsim.Quota(start="2027-01-01", country="RU", limit=5))
cut = migsim.Quota(datetime.date(2027, 1, 1), "2027-12-31", country="RU", limit=500_000,
                   citizenships=["TJ", "UZ"], on_refusal="stay", label="cut")
smaller: migsim.Quota = cut.replace(limit=400_000)
limit: float = smaller.limit
closure = migsim.BorderClosure("2027-03-01", countries=("RU", "TJ"), exemptions=["returns"],
                               evacuation_capacity=3000)
fee = migsim.PermitFee("2027-01-01", regions=["moscow"], amount=9000)
moved = migsim.Displacement("2027-01-01", "2027-06-30", region="osh_oblast", share=0.05, abroad_share=1)
events: list[migsim.Event] = [cut, closure, fee, moved, migsim.event_from_dict(cut.to_dict())]
cls: type[migsim.Event] = migsim.EVENT_TYPES["quota"]


class Evacuate(migsim.Policy):
    def __init__(self, threshold: float) -> None:
        self.threshold, self.done = threshold, False

    def decide(self, state: migsim.StepState) -> migsim.Event | None:
        if self.done or float(state.current.stranded.sum()) < self.threshold:
            return None
        self.done = True
        return migsim.BorderClosure(state.date, countries=["RU", "TJ"], evacuation_capacity=5000)


def tighten(state: migsim.StepState) -> list[migsim.Event]:
    return [] if state.in_force("cut") else [cut.replace(start=state.date, label="cut")]


sim = migsim.Simulation(sc, seed=1, scale=100, until="2028-01-01", policies=[Evacuate(1e5), tighten])
sim.run(until=datetime.date(2027, 6, 1), quiet=True)
now: xr.Dataset = sim.current()
issued: str = sim.issue(migsim.ExchangeRate(sim.date, currency="RUB", factor=1.3))
results: migsim.Results = sim.run(quiet=True)
table = results.to_dataframe("stock", by=["location"], sel={"status": "irregular"})
units: dict[str, str] = results.summary().units
ax = results.plot("stock", by="location_country")
results.save("run.h5")
ds: xr.Dataset = migsim.open_results("run.h5")
again: migsim.Results = migsim.run("kyrgyzstan", seed=2, scale=1000, until="2011-01-01", quiet=True,
                                   behaviour__departure__base_rate=0.02)
ens = migsim.Ensemble("kyrgyzstan", seeds=4, sweep={"behaviour.departure.base_rate": [0.01, 0.02]},
                      scale=1000, until="2011-01-01", variables=["stock"], quiet=True)
stacked: xr.Dataset = ens.run()
cmp = migsim.compare({"baseline": "kyrgyzstan", "cut": sc}, seeds=[1, 2], variables="stock", processes=1)
band: xr.DataArray = cmp.band("stock", where={"location_country": "RU"})
try:
    migsim.run("atlantis")
except migsim.ScenarioError as error:
    message: str = str(error)
except migsim.MigsimError:
    pass
quick = migsim.RunSettings(scale=1000, until=datetime.date(2011, 1, 1), quiet=True)
seeded: migsim.Results = migsim.run("kyrgyzstan", settings=quick.replace(seed=3), threads=2)
settings: migsim.RunSettings = migsim.Simulation("kyrgyzstan", settings=quick).settings
home: tuple[str, ...] = migsim.schema.HOME_STATUSES
stock_units: str = migsim.schema.OUTPUTS["stock"].units
migrants = migsim.Measure("stock", country="RU", statuses=migsim.schema.ABROAD_STATUSES_EXCLUDING_NATURALISED,
                          over_time="last")
outputs: dict[str, Output] = migsim.sensitivity_outputs("RU", since="2027-01-01")
version: str = migsim.__version__
names: list[str] = migsim.builtin_scenarios()
reference: str = migsim.event_reference() + migsim.parameter_reference()
'''

# Each line marked `# E: code[, code]` must get exactly those mypy error codes; no other line may get one.
BAD = '''
import migsim

sc = migsim.Scenario.load("quota-cut")
migsim.Quota(start="2027-01-01", country="RU", limt=5)  # E: call-arg
migsim.Quota(start="2027-01-01", country="RU", limit=5)
migsim.Quota("2027-01-01", country="RU", limit="many")  # E: arg-type
migsim.Quota("2027-01-01", country="RU", limit=5, on_refusal="leave")  # E: arg-type
migsim.Quota("2027-01-01", country="RU", limit=5, citizenships="KG")  # E: arg-type
migsim.Amnesty("2027-01-01", "2027-02-01", country="RU", citizenships=["KG"])  # E: misc
migsim.Displacement("2027-01-01", region="osh_oblast", share=0.1)  # E: call-arg
q = migsim.Quota("2027-01-01", country="RU", limit=5)
q.limit = 6  # E: misc
q.replace(limt=6)  # E: call-arg
print(q.limt)  # E: attr-defined
print(sc.behaviour.departure.base_rat)  # E: attr-defined
sc.behaviour.departure.base_rate = "fast"  # E: assignment
sc.add_evnt(q)  # E: attr-defined
migsim.Simulation("kyrgyzstan", seeds=3)  # E: call-arg
migsim.run("kyrgyzstan").plot("stock", by=["location"])  # E: call-overload
migsim.compare({"a": "kyrgyzstan"}, seeds=2, varables="stock")  # E: call-arg
migsim.Ensemble("kyrgyzstan", 4, {"run.scale": [10]})  # E: call-arg
migsim.RunSettings(scale="fine")  # E: arg-type
migsim.Measure("stock", over_time="first")  # E: arg-type
'''

MYPY_CONFIG = """
[mypy]
python_version = 3.10
strict = True
warn_unreachable = True
[mypy-pandas.*]
ignore_missing_imports = True
[mypy-migsim.results]
# results.Summary subclasses pandas.DataFrame, which is Any without pandas-stubs
disallow_subclassing_any = False
[mypy-docs_examples]
# dask.distributed's LocalCluster and Client have no annotations
disallow_untyped_calls = False
"""

# stubtest compares migsim only: the other libraries' types are skipped (Any), which takes seconds, not a minute.
STUBTEST_CONFIG = """
[mypy]
python_version = 3.10
[mypy-pandas.*,numpy.*,xarray.*,matplotlib.*,distributed.*,dask.*,tqdm.*]
follow_imports = skip
follow_imports_for_stubs = True
ignore_missing_imports = True
[mypy-migsim.results]
disallow_subclassing_any = False
"""


def _mypy_command() -> list[str]:
    pytest.importorskip("mypy", reason="mypy is not installed (it is in requirements-dev.txt)")
    return [sys.executable, "-m", "mypy"]


def _docs_examples() -> str:
    """Every ```python block of docs/python.md, in order, as one script."""
    text = (REPO / "docs" / "python.md").read_text()
    blocks = re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)
    assert blocks, "docs/python.md has no ```python examples"
    return "\n".join(textwrap.dedent(block) for block in blocks)


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> dict[str, list[str]]:
    """Runs mypy once over the package (its modules and stubs), the good and bad examples and the docs' examples;
    errors per file (those in migsim's own files under "package")."""
    command = _mypy_command()
    folder = tmp_path_factory.mktemp("mypy")
    (folder / "good.py").write_text(GOOD)
    (folder / "bad.py").write_text(BAD)
    (folder / "docs_examples.py").write_text(_docs_examples())
    (folder / "mypy.ini").write_text(MYPY_CONFIG)
    pytest_cache = getattr(request.config, "cache", None)  # None with -p no:cacheprovider
    cache = pytest_cache.mkdir("mypy") if pytest_cache is not None else folder / "cache"
    env = {**os.environ, "MYPYPATH": str(PACKAGE.parent)}  # this checkout's package, not the installed one
    # The examples import migsim, so mypy checks its modules and stubs (strictly) as well.
    result = subprocess.run(
        [*command, "--config-file", "mypy.ini", "--cache-dir", str(cache), "--show-error-codes", "--no-pretty",
         "--no-error-summary", "good.py", "bad.py", "docs_examples.py"],
        capture_output=True, text=True, cwd=folder, env=env, timeout=600,
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    errors: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        match = re.match(r"(.+?):(\d+): error: .*\[([\w-]+)\]$", line)
        if match:
            errors.setdefault(Path(match[1]).name if "migsim" not in match[1] else "package", []).append(line)
    return errors


def test_mypy_accepts_the_package_and_correct_use(mypy_output: dict[str, list[str]]) -> None:
    assert mypy_output.get("package", []) == []
    assert mypy_output.get("good.py", []) == []


def test_mypy_reports_misuse(mypy_output: dict[str, list[str]]) -> None:
    expected: dict[int, set[str]] = {}
    for number, line in enumerate(BAD.splitlines(), start=1):
        if "# E:" in line:
            expected[number] = {code.strip() for code in line.split("# E:")[1].split(",")}
    found: dict[int, set[str]] = {}
    for line in mypy_output.get("bad.py", []):
        match = re.match(r".+?:(\d+): error: .*\[([\w-]+)\]$", line)
        assert match, line
        found.setdefault(int(match[1]), set()).add(match[2])
    assert found == expected, "\n".join(mypy_output.get("bad.py", []))


def test_mypy_accepts_the_docs_examples(mypy_output: dict[str, list[str]]) -> None:
    assert mypy_output.get("docs_examples.py", []) == []


def test_docs_examples_run(tmp_path: Path) -> None:
    """The ```python blocks of docs/python.md run, in order, as one notebook would run them."""
    script = tmp_path / "docs_examples.py"
    script.write_text(_docs_examples())
    # Run through -c, as in a notebook: the ensembles' spawned workers must not re-run a main file.
    code = f"exec(compile(open({str(script)!r}).read(), {str(script)!r}, 'exec'))"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]


def test_stubtest_finds_stubs_and_runtime_consistent(tmp_path: Path) -> None:
    """mypy's stubtest compares every stub, and every annotated module as mypy reads it, with the installed
    runtime, signatures included.

    Allowed differences: attributes the runtime provides through ``__getattr__`` (event fields,
    parameter sections), signatures the stubs make stricter on purpose (no ``end`` for an event type
    without one, a required ``end`` where the engine requires it), pybind11's metaclass, and names the
    modules import only for their annotations (under ``TYPE_CHECKING``).
    """
    command = _mypy_command()
    allow = [
        r"migsim\._core\.(Scenario|Simulation)",  # pybind11 metaclass
        r"migsim\._core\.(Scenario|Simulation)\.__init__",
        r"migsim\.events\.DateLike",  # a string at run time, an alias in the stub
        r"migsim\.events\.\w+\.country_or_regions_field",  # the runtime's lambda names its argument `k`
        r"migsim\.scenario\.Scenario\.(name|description)",  # set through Scenario.__setattr__
        r"migsim\.\w+\.(np|npt|pandas|xarray|xr|Axes|Client|Figure)",  # imported for annotations only
    ]
    for spec in migsim._core.event_schema():
        cls = migsim.EVENT_TYPES[spec["name"]].__name__
        allow += [rf"migsim\.events\.{cls}\.{f['name']}" for f in spec["fields"]]
        if not spec["has_end"] or spec["end_required"]:
            allow.append(rf"migsim\.events\.{cls}\.__init__")
    tops = {p["key"].split(".")[0] for p in migsim._core.parameter_schema() if "." in p["key"]}
    allow += [rf"migsim\.scenario\.Scenario\.{top}" for top in sorted(tops) if not keyword.iskeyword(top)]
    (tmp_path / "allowlist.txt").write_text("\n".join(allow) + "\n")
    (tmp_path / "mypy.ini").write_text(STUBTEST_CONFIG)
    env = {**os.environ, "MYPYPATH": str(PACKAGE.parent)}  # this checkout's modules and stubs, the installed runtime
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "migsim", "--mypy-config-file", "mypy.ini", "--allowlist",
         "allowlist.txt"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
