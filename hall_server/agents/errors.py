"""The agents' error root: a Chinese message first, English too (CONVENTIONS.md rule 6)."""
from __future__ import annotations


class AgentError(Exception):
    """Something an agent cannot do with what it was given (a voice pack, a template, a setting)."""

    code = "agent_error"

    def __init__(self, message_zh: str, message_en: str, *, code: str | None = None):
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh, self.message_en = message_zh, message_en
        if code:
            self.code = code


class VoicePackError(AgentError):
    """A voice pack that is missing, incomplete or mixes audio formats."""

    code = "voice_pack"


class PhraseError(AgentError):
    """A call wording that holds a word the voice pack cannot say."""

    code = "phrase"
