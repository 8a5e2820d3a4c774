"""The base of every answer shape a model is asked for: strict (extra fields forbidden), so an
answer that carries what it may not (counts, severities) is rejected and re-asked."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid")
