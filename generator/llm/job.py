"""One drafting job's shared state: the model, the attempt policy, the deadline, the fence for
untrusted text, the run's canary and the record of every call — so each LLM task only says
what to ask.

The canary is a random marker put in every system prompt of the run (template variable
``canary``); it never occurs in evidence, so an answer that contains it repeats the
instructions. Every answer is screened (``generator.llm.screening``) before it is accepted."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel

from generator.llm.errors import ModelTask
from generator.llm.interface import ChatModel
from generator.llm.screening import Screen
from generator.llm.structured import Asked, CallPolicy, Deadline, ask
from knowledge.platform.settings import Settings
from knowledge.vocabulary import PROMPT_NAMES
from prompts.fencing import Fence
from prompts.templates import get_template, load_templates

T = TypeVar("T", bound=BaseModel)


def policy_from(settings: Settings) -> CallPolicy:
    return CallPolicy(
        max_attempts=settings.llm_max_attempts,
        timeout_s=settings.llm_timeout,
        max_output_tokens=settings.llm_max_output_tokens,
        max_retry_wait=settings.llm_max_retry_wait,
    )


@dataclass
class LLMJob:
    model: ChatModel
    policy: CallPolicy
    deadline: Deadline
    lang: str = "en"
    fence: Fence = field(default_factory=Fence)
    canary: str = field(default_factory=lambda: f"cjm-{secrets.token_hex(6)}")
    asked: Asked = field(default_factory=Asked)
    progress: Callable[[str], None] = lambda _message: None
    parameters: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        load_templates()  # every template validated before the first call

    @classmethod
    def from_settings(
        cls,
        model: ChatModel,
        settings: Settings,
        lang: str,
        progress: Callable[[str], None] | None = None,
    ) -> LLMJob:
        return cls(
            model=model,
            policy=policy_from(settings),
            deadline=Deadline(settings.llm_deadline),
            lang=lang,
            progress=progress or (lambda _message: None),
            parameters=[
                f"llm_temperature={settings.llm_temperature}",
                f"llm_output_method={settings.llm_output_method}",
                f"llm_max_output_tokens={settings.llm_max_output_tokens}",
                f"llm_max_attempts={settings.llm_max_attempts}",
                f"llm_deadline={settings.llm_deadline}",
            ],
        )

    @property
    def prompt_versions(self) -> list[str]:
        return sorted({c.prompt_version for c in self.asked.calls})

    def ask(
        self,
        template: str,
        part: str,
        output: type[T],
        validate: Callable[[T], list[str]] | None = None,
        *,
        screened: bool = True,
        known_words: Iterable[str] = (),
        numbers: bool = False,
        splittable: bool = True,
        kind: ModelTask = "draft",
        **values: object,
    ) -> T:
        """Ask for ``output``; the answer must pass ``validate`` and the screen of its prompt
        (``generator.llm.screening``: with ``screened`` False only the canary and fence token
        are screened — for tasks that check their own texts, like translation). ``numbers``
        screens numbers too; ``known_words`` are words of unflagged evidence outside the
        prompt. ``splittable`` False: the caller cannot split the part, so a cut-off answer is
        asked again for shorter. ``kind``: the task the part belongs to (a draft, a translation,
        an answer), named by its failure."""
        prompt = get_template(template)
        if "language_name" in prompt.variables:
            values["language_name"] = PROMPT_NAMES.get(self.lang, self.lang)
        rendered = prompt.render(fence=self.fence.token, canary=self.canary, **values)
        secrets = (self.canary, self.fence.token)
        if screened:
            screen = Screen.of_prompt(rendered.system, rendered.user, secrets, known_words, numbers)
        else:
            screen = Screen.of_secrets(secrets)

        def checked(value: T) -> list[str]:
            errors = validate(value) if validate is not None else []
            return errors + screen.answer(value)

        return ask(
            self.model,
            task=template,
            prompt_version=rendered.version,
            part=part,
            system=rendered.system,
            user=rendered.user,
            output=output,
            validate=checked,
            policy=self.policy,
            deadline=self.deadline,
            asked=self.asked,
            splittable=splittable,
            kind=kind,
        )
