"""Every hand-kept word list the question analysis uses, in one place, each with its source.

Lists here are *closed-class* language -- the words that frame a question rather than name
its topic -- and are meant to hold for any question about any inspection report. Nothing is
here because one evaluation question needed it; ``tests/test_vocabulary_guard.py`` fails
when wording of a dev question that the reports do not use appears in a list.

Topic vocabulary (acronyms, expansions, topics that can justify declining) is data in
``glossary.toml`` and ``topics.toml``; force names are in ``assistant/forces.toml``.
"""

from __future__ import annotations

import re

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves us ve ll re s t d m o y""".split()
)
"""English function words. Source: the NLTK English stop-word list (itself the Snowball list),
which both the index and the questions drop, so their terms always meet."""

QUESTION_WORDS = frozenset(
    """tell say says said describe explain mention mentions mentioned report reports anything
    please know find found get got make made give given show shows hmicfrs hmic inspectorate
    inspectors inspector briefing highlight highlighted highlights comparing compare""".split()
)
"""Words that frame a question rather than name its topic; ignored in queries only."""

ASPECT_WORDS = frozenset(
    """
    recommend recommends recommended recommending recommendation recommendations
    improve improves improved improving improvement improvements
    grade grades graded grading rate rates rated rating ratings judged judge judgement assessed assessment
    conclude concluded conclusion conclusions finding findings
    strength strengths strong weakness weaknesses weak good bad better worse positive negative
    problem problems issue issues concern concerns cause causes
    example examples evidence detail details specifics specific
    progress change changes changed next happen happened happening doing done going
    else other more anything something again instead too also
    why how what which who where when whether
    area areas action actions need needs needed must
    like think thought view views
    """.split()
)
"""Words that ask for an aspect of a topic rather than naming a topic (follow-up questions)."""

GRADE = "grade"
POSITIVE = "positive"
NEGATIVE = "negative"
RECOMMENDATION = "recommendation"

INTENT_CUES: dict[str, re.Pattern[str]] = {
    GRADE: re.compile(
        r"\b(grade[ds]?|grading|rating|rated|judged?|judgement|verdict|score[ds]?|outstanding|inadequate"
        r"|requires? improvement|how (good|effective) (is|was|were|are))\b"
    ),
    POSITIVE: re.compile(
        r"\b(praise[ds]?|strengths?|positives?|positively|good practice|successe?s?|successful|commend\w*"
        r"|promising|(working|going|doing|works|goes) well|well done)\b"
    ),
    NEGATIVE: re.compile(
        r"\b(weak\w*|problems?|fail\w*|shortcomings?|concerns?|poor\w*|criticis\w*|wrong|gaps?|let down)\b"
    ),
    RECOMMENDATION: re.compile(
        r"\b(recommend\w*|should|must|needs? to|have to|areas? for improvement|improvements?|want\w* done"
        r"|required?)\b"
    ),
}
"""What kind of answer a question asks for, from its evaluative wording (lower-cased text)."""

PERFORMANCE = re.compile(
    r"\b(perform\w*|rated|rating|grade[ds]?|judged?|assessed"
    r"|how (?:well |badly )?(?:did|does|do|has|is|was|were|are) [\w’' -]{1,60}? "
    r"(?:do|doing|done|fare|fared))\b",
    re.I,
)
"""Asking how a body performed or was judged: evaluation verbs, and "how did X do/fare"."""

WANTS_NUMBER = re.compile(
    r"\b(how (many|much)|what (number|proportion|percentage|share)|number of|statistics?|stats|figures?|"
    r"per ?cent|percentage|rate of|how often)\b",
    re.I,
)
"""Asking for a figure."""

COUNTED_BEFORE_VERB = re.compile(
    r"\bhow many ((?:[\w’'-]+ ){0,4}?)(?:do|does|did|are|were|is|was|has|have|had|will|can|could|would|"
    r"should|in|of|on|at|for|per|across)\b",
    re.I,
)
""""how many X <verb>": what is counted ends where the verb or preposition starts."""
COUNTED_NEXT = re.compile(r"\bhow many ([\w’'-]+)", re.I)
"""When no verb marks the end of what is counted, the word after "how many" is it."""

COMPARISON = re.compile(
    r"\b(compar(?:e|es|ed|ing|ison|isons)|versus|vs\.?|contrast\w*|differ(?:s|ed|ent|ence|ences)?"
    r"|(?:changed?|improved?|moved?|progress(?:ed)?|worse|better) since|same as|side by side)\b",
    re.I,
)
"""Asking to set reports against each other. Source: the comparison words of English usage
guides (compare, contrast, differ, versus) and "changed since <when>"."""

WHICH_REPORTS = re.compile(
    r"\b(?:which|what|any)\s+(?:of\s+the\s+|other\s+)?(?:police\s+)?"
    r"(forces?|constabular(?:y|ies)|reports?|inspections?|police services?)\b",
    re.I,
)
"""Asking which of the library's reports (forces) hold something."""

YEAR = re.compile(r"\b((?:19|20)\d\d)(?:\s*[/–-]\s*(\d\d(?:\d\d)?))?\b")
"""A year, or an inspection round written as a financial year ("2016/17": the round of 2016)."""
SINCE_YEAR = re.compile(
    r"\b(since|from|after|compared (?:with|to)|than(?: in)?)\s+(?:the\s+)?((?:19|20)\d\d)\b", re.I
)
"""A year a question measures change from ("since 2016")."""
