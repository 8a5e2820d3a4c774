"""How the product's errors reach an MCP client: as a tool error (``isError``) whose text a
person or an agent can act on — never a crash. Not found is said the same way whether the
thing does not exist or belongs to another workspace."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import ValidationError

from generator.llm.errors import LLMConfigError, LLMError
from knowledge.platform.errors import CJMError, NotFound
from knowledge.platform.keys import RoleRequired


def invalid(exc: ValidationError, what: str) -> ToolError:
    """A tool error naming the first wrong fields of ``what``."""
    errors = exc.errors()
    said = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in errors[:3]
    )
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return ToolError(f"{what} is not valid: {said}{more}")


@contextmanager
def answered() -> Iterator[None]:
    """Run a tool's work; an error of the product becomes a tool error saying what happened."""
    try:
        yield
    except ToolError:
        raise
    except RoleRequired as exc:
        raise ToolError(f"refused: {exc}") from exc
    except NotFound as exc:
        raise ToolError(f"not found: {exc}") from exc
    except LLMConfigError as exc:
        raise ToolError(f"no usable language model: {exc}") from exc
    except LLMError as exc:
        raise ToolError(f"the language model failed: {exc}") from exc
    except CJMError as exc:
        raise ToolError(str(exc)) from exc
    except ValidationError as exc:
        raise invalid(exc, "the request") from exc
