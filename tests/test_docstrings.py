"""Every public function and class of the package documents itself with a runnable example."""

import importlib
import inspect
import pkgutil

import pytest

import nn_scratch


def _public_objects():
    for info in pkgutil.iter_modules(nn_scratch.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"nn_scratch.{info.name}")
        names = getattr(module, "__all__", None)
        if names is None:
            names = [n for n in vars(module) if not n.startswith("_")]
        for name in names:
            obj = getattr(module, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__:
                yield f"{module.__name__}.{name}", obj


PUBLIC = dict(_public_objects())


def test_the_package_has_public_functions():
    assert "nn_scratch.maths.softmax" in PUBLIC and "nn_scratch.network.Network" in PUBLIC


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_object_has_a_docstring_with_a_doctest(name):
    obj = PUBLIC[name]
    doc = inspect.getdoc(obj) or ""
    assert doc.strip(), f"{name} has no docstring"
    if inspect.isclass(obj) and issubclass(obj, Exception):
        return  # an error class is documented by the examples of the functions that raise it
    assert ">>>" in doc, f"{name}'s docstring has no example"
