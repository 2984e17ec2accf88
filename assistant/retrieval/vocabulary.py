"""Every hand-kept word list the question analysis uses, in one place, each with its source.

The lists here are *closed-class* language: the words that frame a question rather than name
its topic. They are built from the inventories below, each a published or grammatical closed
class named with its source, so that an entry is there because of what kind of word it is,
never because an evaluation question needed it. ``tests/test_vocabulary_guard.py`` fails when
a list fires on a dev question because of wording that the reports do not use and that no
inventory holds.

Topic vocabulary lives elsewhere, in data files with their own sources: acronyms and their
expansions in ``glossary.toml``, topics that can justify declining in ``topics.toml``, force
names in ``assistant/forces.toml``.
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

# --- Inventories: closed classes, each with its source ------------------------------------------

REPORTING_VERBS = frozenset(
    """say says said saying tell tells told state states stated report reports reported describe
    describes described explain explains explained mention mentions mentioned note notes noted find
    finds found show shows showed shown highlight highlights highlighted conclude concludes concluded
    identify identifies identified comment comments commented observe observes observed""".split()
)
"""Verbs of saying and finding, with their inflections. Source: the communication verbs that
introduce reported speech in the Longman Grammar of Spoken and Written English (Biber et al.,
1999, §11.2), the verbs questions use to ask what a report says."""

INSPECTORATE = frozenset("hmicfrs hmic inspectorate inspectorates inspector inspectors".split())
"""The author of the reports, by its names (HMICFRS, formerly HMIC, and its inspectors): naming
who speaks frames a question, it does not name its topic."""

FRAMING = frozenset("please anything something know".split())
"""Politeness and placeholder words of questions ("please tell me anything about ...")."""

MODALS = frozenset("must should shall need needs needed ought have has had required require".split())
"""Verbs of obligation, how a report says what must be done ("the force must", "needs to").
Source: the modal and semi-modal verbs of obligation in English grammar."""

INSPECTED = frozenset("force forces police constabulary constabularies service services".split())
"""How the reports name the body inspected ("the force should ...")."""

GRADING = frozenset(
    """grade grades graded grading rate rates rated rating ratings judge judges judged judgement
    judgements judgment assess assesses assessed assessment outstanding good inadequate requires
    require improvement perform performs performed performing performance""".split()
)
"""HMICFRS's grading language: its four PEEL grades (outstanding, good, requires improvement,
inadequate) and the verbs it and its readers use for graded judgements of a force's
performance. Source: the HMICFRS PEEL assessment framework."""

COMPARING = frozenset(
    """compare compares compared comparing comparison comparisons contrast contrasts contrasted versus
    vs differ differs differed different difference differences change changes changed since side""".split()
)
"""Words that set two things against each other, and "changed since". Source: the comparison
words of English usage guides (compare, contrast, differ, versus)."""

APPRAISAL = frozenset(
    """strength strengths weakness weaknesses positive negative innovative notable practice concern
    concerns cause causes area areas recommendation recommendations""".split()
)
"""The words HMICFRS reports use to sort what they found: strengths and weaknesses, innovative
and notable practice, areas for improvement, causes of concern, recommendations. Source: the
headings and lead-ins of HMICFRS inspection reports."""

INVENTORIES: dict[str, frozenset[str]] = {
    "reporting verbs": REPORTING_VERBS,
    "the inspectorate": INSPECTORATE,
    "question framing": FRAMING,
    "the inspected body": INSPECTED,
    "obligation": MODALS,
    "grading": GRADING,
    "comparing": COMPARING,
    "appraisal": APPRAISAL,
}
"""Every closed class above, by name. Force names (forces.toml) and acronyms (glossary.toml) are
the other two inventories the guard accepts."""

# --- Lists built from the inventories ------------------------------------------------------------

QUESTION_WORDS = REPORTING_VERBS | INSPECTORATE | FRAMING
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
    progress change changes changed next happen happened happening doing done
    else other more anything something again instead too also
    why how what which who where when whether
    area areas action actions need needs needed must
    like think thought view views
    well badly poorly
    """.split()
)
"""Words that ask for an aspect of a topic rather than naming one, for the chat's follow-up rule
(:mod:`assistant.conversation`): the grading and appraisal inventories, evaluative adjectives
and adverbs ("doing well"), wh-words, and words asking for more ("examples", "else", "next")."""

PHRASE_JOINERS = frozenset("""of and in on for to with at the a an its their""".split())
"""Function words that may sit inside a topic phrase ("protecting vulnerable people in custody",
"serious and organised crime"), never at its ends."""

GRADE = "grade"
POSITIVE = "positive"
NEGATIVE = "negative"
RECOMMENDATION = "recommendation"

INTENT_CUES: dict[str, re.Pattern[str]] = {
    GRADE: re.compile(
        r"\b(grade[ds]?|grading|ratings?|rated|judged?|judge?ments?|assess(?:ed|ment)|verdict|outstanding"
        r"|inadequate|requires? improvement|how (good|effective) (is|was|were|are))\b"
    ),
    POSITIVE: re.compile(
        r"\b(strengths?|positives?|positively|good practice|innovative|notable practice|successe?s?"
        r"|successful|commend\w*|promising)\b"
    ),
    NEGATIVE: re.compile(
        r"\b(weak\w*|problems?|fail\w*|shortcomings?|concerns?|poor\w*|criticis\w*|wrong|gaps?)\b"
    ),
    RECOMMENDATION: re.compile(
        r"\b(recommend\w*|should|must|needs? to|have to|areas? for improvement|improvements?|required?)\b"
    ),
}
"""What kind of answer a question asks for (lower-cased text): the grading inventory; appraisal
words for strengths and weaknesses; obligation modals ("should", "must", "need to") and
"recommend" for what should be done. Source: the inventories above and English modal grammar."""

PERFORMANCE = re.compile(
    r"\b(perform\w*|rated|rating|grade[ds]?|judged?|assessed"
    r"|how (?:well |badly )?(?:did|does|do|has|is|was|were|are) [\w’' -]{1,60}? "
    r"(?:do|doing|done|fare|fared))\b",
    re.I,
)
"""Asking how a body performed or was judged: the grading inventory, and "how did X do/fare"."""

MEASURES = (
    r"money|funding|budget|budgets|cash|pounds|£|spend|spends|spent|cost|costs|paid|pay|overtime|time"
    r"|minutes|hours|days|weeks|months|years|seconds"
)
"""Money and time: what "how much" and "average" ask a figure of."""
WANTS_NUMBER = re.compile(
    r"\b(how many|how much (?:\w+ ){0,3}?(?:" + MEASURES + r")"
    r"|what (?:number|proportion|percentage|share)|number of|statistics?|stats|figures?|per ?cent|percentage"
    r"|(?:average|median|mean) (?:\w+ ){0,2}?(?:" + MEASURES + r"|rate|number|response|wait))\b",
    re.I,
)
"""Asking for a count or a measured quantity: "how many", "how much" money or time, numbers,
percentages, statistics, averages. Not "how much has it improved" or "how much danger" (a
degree) nor "how often" (a frequency): reports answer those in words, so they are no reason to
decline. Source: English quantity questions; money and time as the measures asked of forces."""

PERSON_TITLES = (
    r"commissioner|chief constable|deputy chief constable|assistant chief constable|mayor|home secretary"
    r"|policing minister|minister|secretary of state|inspector of constabulary"
    r"|chief inspector of constabulary"
    r"|hm inspector|police and crime commissioner"
)
"""The offices whose holder a question may ask to be named. Source: the office-holders of police
governance in England and Wales (chief officers, PCCs and mayors, ministers, HM Inspectors)."""
ASKS_PERSON = re.compile(rf"\b(?:who|which|name)\b.{{0,60}}?\b(?:{PERSON_TITLES})s?\b", re.I)
"""Asking for the person holding an office ("who was the Commissioner", "which HM Inspector")."""
NAMES_PERSON = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Baroness|Commissioner|Chief Constable|Mayor|Minister)\.?"
    r"\s+[A-Z][a-z]+"
)
"""A passage naming a person: a title or honorific followed by a name."""

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
    r"|(?:changed?|improved?|moved?|progress(?:ed)?|worse|better) since|side by side)\b",
    re.I,
)
"""Asking to set reports against each other: the comparing inventory, and "<changed> since"."""

WHICH_REPORTS = re.compile(
    r"\b(?:which|what|any)\s+(?:of\s+the\s+|other\s+)?(?:police\s+)?"
    r"(forces?|constabular(?:y|ies)|reports?|inspections?|police services?)\b",
    re.I,
)
"""Asking which of the library's reports (forces) hold something."""

NAME = re.compile(r"\b[A-Z][\w’'&-]*(?:\s+(?:(?:of|for|and|the|&)\s+)?[A-Z][\w’'&-]*)*")
"""A run of capitalised words, with "of", "for", "and", "the" inside it ("Transport for London")."""

YEAR = re.compile(r"\b((?:19|20)\d\d)(?:\s*[/–-]\s*(\d\d(?:\d\d)?))?\b")
"""A year, or an inspection round written as a financial year ("2016/17": the round of 2016)."""
SINCE_YEAR = re.compile(
    r"\b(since|from|after|compared (?:with|to)|than(?: in)?)\s+(?:the\s+)?((?:19|20)\d\d)\b", re.I
)
"""A year a question measures change from ("since 2016")."""


def closed_class(word: str) -> bool:
    """Whether ``word`` (lower case) belongs to a closed class: a function word or an inventory's."""
    return word in STOPWORDS or any(word in words for words in INVENTORIES.values())
