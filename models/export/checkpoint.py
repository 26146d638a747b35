"""Checking a Hugging Face checkpoint before anything is exported, each problem as one
common.ExportError line: a local folder that does not exist (transformers would take the path
for a hub id), a hub id that cannot be reached, a checkpoint of another family, an --llm that
contradicts the checkpoint's config, and weights the chosen --task exports but the checkpoint
lacks. transformers loads such a checkpoint anyway with those weights newly (randomly)
initialised, which yields a model that runs and scores like a broken one."""

from __future__ import annotations

import contextlib
from pathlib import Path

from .common import ExportError

# model_type -> the exporter of that family
SCRIPTS = {"blip": "hf_blip", "blip-2": "hf_blip2", "instructblip": "hf_instructblip"}
# Missing keys that are no weights the graphs read: buffers transformers rebuilds (position ids),
# and poolers none of the exported heads use.
_NOT_WEIGHTS = ("position_ids", ".pooler.")


@contextlib.contextmanager
def quiet():
    """transformers' and the hub client's warnings (the newly-initialised list, download retries)
    would bury the one line that says what is wrong; the checks here report those cases."""
    import transformers
    from huggingface_hub.utils import logging as hub_logging
    levels = transformers.logging.get_verbosity(), hub_logging.get_verbosity()
    transformers.logging.set_verbosity_error()
    hub_logging.set_verbosity_error()
    try:
        yield
    finally:
        transformers.logging.set_verbosity(levels[0])
        hub_logging.set_verbosity(levels[1])


def read_config(checkpoint: str, model_type: str):
    """The checkpoint's config, after checking where it is and that it is of `model_type`."""
    from transformers import AutoConfig
    _check_location(checkpoint)
    with quiet():
        try:
            config = AutoConfig.from_pretrained(checkpoint)
        except (OSError, ValueError) as error:
            raise ExportError(f"cannot load the config of {checkpoint}: {_first_line(error)}") from None
    found = getattr(config, "model_type", None)
    if found != model_type:
        script = SCRIPTS.get(found)
        fix = f"use python -m models.export.{script}" if script else \
            f"models.export.{SCRIPTS[model_type]} exports '{model_type}' checkpoints only"
        raise ExportError(f"{checkpoint}: the checkpoint's model_type is '{found}', not '{model_type}'; {fix}")
    return config


def _check_location(checkpoint: str) -> None:
    path = Path(checkpoint).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ExportError(f"{checkpoint}: the folder has no config.json; give the folder save_pretrained wrote")
        return
    if path.exists():
        raise ExportError(f"{checkpoint} is a file; give the checkpoint's folder (with config.json) or a hub id")
    # A hub id is "name" or "namespace/name"; anything else can only have been meant as a path.
    if checkpoint.startswith(("/", ".", "~")) or checkpoint.count("/") > 1 or "\\" in checkpoint:
        raise ExportError(f"{checkpoint}: no such folder, and not a hub id "
                          "(hub ids look like 'Salesforce/blip-vqa-base')")


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def from_pretrained(cls, checkpoint: str, *attempts: dict):
    """(model, loading info) from the first keyword set this transformers version accepts
    (attn_implementation and dtype / torch_dtype differ between 4.x and 5.x)."""
    for index, kwargs in enumerate(attempts):
        try:
            with quiet():
                return cls.from_pretrained(checkpoint, output_loading_info=True, **kwargs)
        except OSError as error:  # e.g. a folder without model weights
            raise ExportError(f"cannot load {cls.__name__} from {checkpoint}: {_first_line(error)}") from None
        except (TypeError, ValueError):
            if index == len(attempts) - 1:
                raise
    raise ValueError("no keyword set given")


def tokenizer(checkpoint: str, **kwargs):
    from transformers import AutoTokenizer
    try:
        with quiet():
            return AutoTokenizer.from_pretrained(checkpoint, **kwargs)
    except (OSError, ValueError) as error:
        where = f" ({kwargs['subfolder']}/)" if "subfolder" in kwargs else ""
        raise ExportError(f"cannot load the tokenizer{where} of {checkpoint}: {_first_line(error)}") from None


def check_weights(checkpoint: str, config, info: dict, task: str, guide: dict, examples: dict) -> None:
    """Refuses a checkpoint lacking weights the export would read. `guide` maps architecture
    names to (task, description), `examples` a task to a hub checkpoint of that kind."""
    missing = sorted(k for k in info.get("missing_keys", []) if not any(n in k for n in _NOT_WEIGHTS))
    if not missing:
        return
    parts = sorted({key.split(".")[0] for key in missing})
    head = (f"{checkpoint} has no weights for {', '.join(parts)} ({len(missing)} tensors, e.g. "
            f"{', '.join(missing[:3])}), which --task {task} exports: they would be random")
    arch = next(iter(getattr(config, "architectures", None) or []), None)
    found = guide.get(arch)
    example = f"a --task {task} checkpoint such as {examples[task]}"
    if found is None:
        raise ExportError(f"{head}. Its config names {arch or 'no architecture'}; use {example}")
    if found[0] != task:
        raise ExportError(f"{head}. It is {found[1]} ({arch}): use --task {found[0]}, or {example}")
    raise ExportError(f"{head}. Its config names {arch}, yet those weights are missing: the checkpoint is "
                      f"incomplete or was saved from another model; save it again, or use {example}")


def resolve_llm(checkpoint: str, config, requested: str | None, names: dict) -> str:
    """The LLM name (opt, t5, vicuna) from text_config.model_type; `names` maps model_type to it."""
    found = getattr(getattr(config, "text_config", None), "model_type", None)
    derived = names.get(found)
    if derived is None:
        known = ", ".join(f"{t} (--llm {n})" for t, n in names.items())
        raise ExportError(f"{checkpoint}: its LLM is '{found}' (text_config.model_type); this exporter handles {known}")
    if requested is not None and requested != derived:
        raise ExportError(f"--llm {requested} contradicts {checkpoint}: its LLM is {found} "
                          f"(text_config.model_type); drop --llm or pass --llm {derived}")
    return derived
