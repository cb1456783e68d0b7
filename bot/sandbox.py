"""A Jinja2 sandbox with bounds on what one template may build.

Jinja's own sandbox stops attribute escapes but not size: ``{{ 'a' * 10**10 }}``
asks for a 10 GB string, ``{{ 'x'|center(10**10) }}`` the same, and nested
loops over ``range`` can print without end. Templates are written by the
secretariat, but one slip must cost an error line, not the machine. So
every render here has a budget:

- one string, list or number built by an operator, filter or string method
  stays under ``MAX_SIZE`` characters (or items; ``MAX_INT_BITS`` for numbers);
- all the ``range`` calls of one render together yield at most ``MAX_RANGE``
  items;
- the rendered output stays under ``MAX_OUTPUT`` characters.

Crossing a bound raises ``TemplateLimitError`` (a ``SecurityError``), which
the renderer turns into one line naming the file, the line and the mission.
The one renderer, ``bot.mail.render`` (invitations, reminders and, through
``bot.digest.render``, the digest), uses ``BoundedSandbox`` and ``render``.
"""

from __future__ import annotations

import contextvars
import math
import re
import traceback
from collections.abc import Callable, Generator, Mapping
from typing import Any, cast

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_SIZE = 1_000_000
MAX_OUTPUT = 2_000_000
MAX_RANGE = 100_000
MAX_INT_BITS = 100_000
# A width or precision of five digits or more, or one taken from an argument.
_WIDE_FORMAT = re.compile(r"%[-#0 +(\w)]*(\*|\d{5,})|\{[^}]*?[:.][^}]*?(\d{5,}|\{)")
_range_left: contextvars.ContextVar[int] = contextvars.ContextVar("range_left", default=MAX_RANGE)


class TemplateLimitError(SecurityError):
    """A template asked for more than a render may build."""


def _refuse(what: str) -> TemplateLimitError:
    return TemplateLimitError(f"template limit: {what}")


def _check_size(size: int, what: str) -> None:
    if size > MAX_SIZE:
        raise _refuse(f"{what} would be {size:,} long (at most {MAX_SIZE:,})")


def _check_format(text: Any) -> None:
    if isinstance(text, str) and _WIDE_FORMAT.search(text):
        raise _refuse("format width or precision too large")


def bounded_range(*args: int) -> range:
    """``range`` drawing on the render's budget of ``MAX_RANGE`` items."""
    items = range(*args)
    left = _range_left.get() - len(items)
    if left < 0:
        raise _refuse(f"ranges of one render may yield at most {MAX_RANGE:,} items")
    _range_left.set(left)
    return items


def _check_multiply(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(count, int):
            _check_size(len(seq) * max(count, 0), "a repeated string or list")
    if (isinstance(left, int) and isinstance(right, int)
            and left.bit_length() + right.bit_length() > MAX_INT_BITS):
        raise _refuse("number too large")


def _check_power(base: Any, exponent: Any) -> None:
    if (isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1 and exponent > 0
            and exponent * math.log2(abs(base)) > MAX_INT_BITS):
        raise _refuse("number too large")


def _check_method(method: Any, args: tuple[Any, ...]) -> None:
    """Bound the str methods whose result size an argument decides."""
    target = getattr(method, "__wrapped__", method)
    owner = getattr(target, "__self__", None)
    if not isinstance(owner, str):
        return
    name = getattr(target, "__name__", "")
    if name in ("ljust", "rjust", "center", "zfill") and args and isinstance(args[0], int):
        _check_size(args[0], f"str.{name}")
    elif name == "expandtabs":
        size = args[0] if args and isinstance(args[0], int) else 8
        _check_size(len(owner) * size, "str.expandtabs")
    elif name == "replace" and len(args) >= 2 and isinstance(args[1], str):
        old = args[0] if isinstance(args[0], str) else ""
        hits = owner.count(old) if old else len(owner) + 1
        _check_size(len(owner) + hits * len(args[1]), "str.replace")
    elif name in ("format", "format_map"):
        _check_format(owner)


def _bounded_filters(filters: dict[str, Callable[..., Any]]) -> None:
    """Wrap the built-in filters whose arguments decide the size of what they build."""
    center, indent, fmt = filters["center"], filters["indent"], filters["format"]
    replace, batch, slice_ = filters["replace"], filters["batch"], filters["slice"]

    def bounded_center(value: str, width: int = 80) -> str:
        _check_size(int(width), "center")
        return str(center(value, width))

    def bounded_indent(s: str, width: int | str = 4, *args: Any, **kwargs: Any) -> str:
        pad = len(width) if isinstance(width, str) else int(width)
        _check_size(len(str(s)) + pad * (str(s).count("\n") + 1), "indent")
        return str(indent(s, width, *args, **kwargs))

    def bounded_format(value: str, *args: Any, **kwargs: Any) -> str:
        _check_format(value)
        return str(fmt(value, *args, **kwargs))

    def bounded_batch(value: Any, linecount: int, *args: Any) -> Any:
        _check_size(int(linecount), "batch")
        return batch(value, linecount, *args)

    def bounded_slice(value: Any, slices: int, *args: Any) -> Any:
        _check_size(int(slices), "slice")
        return slice_(value, slices, *args)

    @jinja2.pass_eval_context
    def bounded_replace(ctx: Any, s: Any, old: Any, new: Any, count: int | None = None) -> Any:
        _check_method(str(s).replace, (str(old), str(new)))
        return replace(ctx, s, old, new, count)

    filters.update(center=bounded_center, indent=bounded_indent, format=bounded_format,
                   batch=bounded_batch, slice=bounded_slice, replace=bounded_replace)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox plus the size bounds of this module."""

    intercepted_binops = frozenset(["*", "**", "%"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = bounded_range
        _bounded_filters(self.filters)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            _check_multiply(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "%":
            _check_format(left)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any,
             *args: Any, **kwargs: Any) -> Any:
        _check_method(__obj, args)
        return super().call(__context, __obj, *args, **kwargs)


def render(template: jinja2.Template, context: Mapping[str, Any]) -> str:
    """Render with a fresh range budget, stopping once the output passes ``MAX_OUTPUT``."""
    token = _range_left.set(MAX_RANGE)
    try:
        pieces: list[str] = []
        size = 0
        events = cast(Generator[str, None, None], template.generate(context))
        for piece in events:
            size += len(piece)
            if size > MAX_OUTPUT:
                # Thrown into the template, so the error names the line that wrote too much.
                events.throw(_refuse(f"output longer than {MAX_OUTPUT:,} characters"))
            pieces.append(piece)
        return "".join(pieces)
    finally:
        _range_left.reset(token)


# What a template may break at render time; each becomes one line of error.
RENDER_ERRORS: tuple[type[BaseException], ...] = (
    jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError, IndexError,
    ArithmeticError, MemoryError, RecursionError)


def where(exc: BaseException, fallback: str) -> str:
    """``file:line`` of the innermost template frame of ``exc`` (``fallback:?`` if none)."""
    found = f"{fallback}:?"
    for frame in traceback.extract_tb(exc.__traceback__):
        name = frame.filename
        if name.endswith((".txt", ".html", ".subject")):
            found = f"{name.rsplit('/', 1)[-1]}:{frame.lineno}"
    return found
