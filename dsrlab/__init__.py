__version__ = "0.1.0"


def __getattr__(name):  # `dsrlab.load` without importing JAX on `import dsrlab`
    if name == "load":
        from .core import load
        return load
    raise AttributeError(f"module 'dsrlab' has no attribute {name!r}")
