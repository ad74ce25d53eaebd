"""The output: one line per figure, `name: value unit (target ...)`, and `info:` lines."""

from __future__ import annotations


def figure(name: str, value: float, unit: str, target: str, fmt: str = ".2f") -> None:
    print(f"{name}: {value:{fmt}} {unit} (target {target})", flush=True)


def info(text: str) -> None:
    print(f"info: {text}", flush=True)
