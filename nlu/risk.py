"""Risk flags from lexicon rules (nlu/data/risk_lexicon.yml) plus the intent classifier.

A flag is raised for a report of an actual situation. It is not raised when the words are negated
("agen tidak tahan paspor saya"), when the clause is a general or hypothetical question
("apa ciri calo yang suka tahan paspor?", "apa boleh agen tahan paspor pekerja?", "kalau paspor
ditahan ...") or when the message tells a story about strangers ("ada berita TKW dikurung") or an
acquaintance's past ("tetangga dulu pernah dikurung majikan, makanya sy mau lewat jalur resmi").
Behind the rules, a learnt model (nlu.flag_model) raises the flags they miss; its flags pass the
same question, condition and story checks (negation it learnt from its hard negatives).
The level comes from the flags and the intent, or from the flags alone when the classifier is
unsure (nlu.fallback). Every flag keeps the words that raised it, and every escalation (level high
or urgent) is logged with its reason.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from nlu.flag_model import EVIDENCE_WORDS, NEGATIVE_INTENTS, FlagModel, FlagScore, WordWeight
from nlu.literals import present, required_literals
from nlu.normalize import Normalised
from nlu.paths import RISK_LEXICON_FILE
from nlu.spec import FALLBACK_INTENT, RISK_FLAGS, level_at_least, risk_level
from nlu.types import IntentScore, Risk, RiskFlag

log = logging.getLogger(__name__)

#: The age under which the person to be sent raises `underage` (UU 18/2017 Pasal 5: at least 18).
ADULT_AGE = 18
#: How many tokens before a match a negator still negates it.
NEGATION_WINDOW = 3
#: How many words before a negator a purpose word ("biar", "so") may stand: "so that I don't".
PURPOSE_WINDOW = 3
#: The classifier adds a flag for these intents when it is at least this sure.
CLASSIFIER_FLAG_CONFIDENCE = 0.5
#: Intents whose report implies a flag (the lexicon may miss the words).
CLASSIFIER_FLAGS = {"lost_contact": "lost_contact"}
#: Without a cue word of its flag (risk_lexicon.yml `context.intent_cues`), the intent must be this
#: sure to add the flag: "beta pung kaka su satu taun di malaysia" alone tells no lost contact.
CLASSIFIER_FLAG_SURE = 0.85
#: Intents that escalate by themselves; told of strangers only, they are not trusted to.
STORY_SENSITIVE_INTENTS = frozenset({"emergency", "lost_contact"})
#: A classifier this sure of an information intent makes a model-only flag need MODEL_FLAG_SURE.
INFO_INTENT_SURE = 0.5
MODEL_FLAG_SURE = 0.9
#: Words that join two statements; they end an "if" condition that follows a statement.
_COORDINATORS = frozenset({"dan", "and", "lalu", "terus", "kemudian", "then", "ais"})
#: Words that only qualify who the subject of an "if" is ("someone's employer", "the agent").
_SUBJECT_MODIFIERS = frozenset(
    {
        "someone's",
        "someones",
        "worker's",
        "workers",
        "maid's",
        "pekerja",
        "pmi",
        "tki",
        "tkw",
        "my",
        "our",
        "your",
        "the",
        "a",
        "an",
        "her",
        "his",
        "their",
        "seseorang",
        "orang",
        "punya",
        "si",
        "sang",
    }
)
#: Words that report what someone said; a condition right after them is that person's terms.
_REPORTED_SPEECH = frozenset(
    {
        "katanya",
        "bilang",
        "kata",
        "said",
        "says",
        "told",
        "tells",
        "minta",
        "ancam",
        "mengancam",
        "threatened",
        "threatens",
        "suruh",
        "disuruh",
    }
)
#: An "if" that opens the writer's wish to report ("kalau mau lapor agen yg tahan ktp, ke mana?"):
#: what follows is what is reported, not a hypothetical.
_REPORTING = frozenset(
    {
        ("mau", "lapor"),
        ("mau", "melapor"),
        ("ingin", "lapor"),
        ("mau", "adukan"),
        ("mau", "mengadu"),
        ("want", "to"),
        ("i", "want"),
        ("we", "want"),
        ("lapor",),
        ("melapor",),
    }
)
#: What an employer does in a routine whose consequence falls on the worker ("kalau majikan
#: keluar, pintu dikunci dari luar"); not a demand ("kalau agen minta paspor disimpan").
_ROUTINE_ACTS = frozenset(
    {
        "keluar",
        "pergi",
        "pulang",
        "tidur",
        "berangkat",
        "jalan",
        "datang",
        "marah",
        "mabuk",
        "go",
        "goes",
        "leave",
        "leaves",
        "out",
        "sleeps",
        "drinks",
        "drunk",
        "angry",
    }
)
#: Words that make no condition of their own ("if ever there is an agent who ...").
_EMPTY_CONDITION = frozenset(
    {"ada", "ever", "there", "is", "are", "suatu", "saat", "nanti", "one", "day"}
)
#: The words that part two clauses of one condition ("kalau A tapi B").
_CONTRASTS = frozenset({"tapi", "but", "namun"})
#: A condition about some later day ("kalau nanti di sana paspor ditahan", "if ever"): it stays
#: hypothetical even in a message that tells of a departure already planned.
_FUTURE_CONDITION = re.compile(
    r"\b(?:kalau|jika|bila|apabila|seandainya|if)"
    r" (?:nanti|suatu saat|suatu hari|one day|ever|someday)\b|\bin case\b"
)
#: Who passes on a rumour or advice, not terms ("kata teman kalau bilang mau liburan paspor lebih
#: cepat keluar"): their "kalau" stays hypothetical.
_RUMOUR_SPEAKERS = frozenset(
    {
        "teman",
        "tetangga",
        "orang",
        "orang orang",
        "kawan",
        "friend",
        "friends",
        "people",
        "neighbour",
    }
)
#: How many tokens before "kalau" a reporting word may stand ("agen bilang ke saya kalau ...").
REPORTED_SPEECH_WINDOW = 3
#: An adult's age stated in the message ("umur asli 19", "my niece is 19", "25 tahun").
_ADULT_AGE = re.compile(
    r"\b(?:umur|usia|age|aged|is|im|i'm|sudah|baru|asli|saya|aku|beta|dia|she|he|she's|he's|shes|hes"
    r"|adik|kakak|anak|putri|putra|ponakan|keponakan)"
    r"\s+(?:1[89]|[2-6]\d)\b(?!\s*(?:juta|jt|ribu|rb|million|bulan|months|hari|days|jam|hours))"
    r"|\b(?:1[89]|[2-6]\d)\s*(?:tahun|thn|th|years?|yrs?|y/o)\b"
)
#: The pattern of the stand-in rule a model flag is checked as (it never matches anything).
_NEVER = re.compile(r"(?!)")
_CLAUSE_BREAKS = {".", ",", ";", "!", "?", "tapi", "but", "namun", "padahal", "sedangkan", ":"}


@dataclass(frozen=True)
class Rule:
    flag: str
    regex: re.Pattern[str]
    negated_form: bool
    #: Words of which the regex needs one to match (nlu.literals), None when it is always run.
    needles: frozenset[str] | None = None

    def may_match(self, found: frozenset[str]) -> bool:
        """False when none of the rule's needles is among those `found` in the text."""
        return self.needles is None or not self.needles.isdisjoint(found)


def _phrase_regex(phrases: list[str]) -> re.Pattern[str]:
    alts = sorted((re.escape(str(p).lower()) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(alts) + r")(?![\w'])")


def _optional_phrases(ctx: dict[str, Any], key: str) -> re.Pattern[str] | None:
    """The phrase regex of an optional word list of the lexicon's context, None when it is absent
    or empty (a lexicon without it keeps the older behaviour)."""
    return _phrase_regex(ctx[key]) if ctx.get(key) else None


def expand_macros(pattern: str, macros: dict[str, str]) -> str:
    """`pattern` with every `<name>` of `macros` written out (macros may use macros, three deep):
    how the lexicon files (risk_lexicon.yml, handoff_requests.yml) keep long alternations once."""
    for _ in range(3):
        for name, body in macros.items():
            pattern = pattern.replace(f"<{name}>", body)
    return pattern


def _check_words(ctx: dict[str, Any], where: str = "context") -> None:
    """Every word list of the lexicon holds strings only. YAML reads an unquoted `no`, `yes`,
    `on` or `off` as a boolean, and `str(False)` is no negator: "no" was silently missing from
    the negators until this check (it must be written "no")."""
    for key, value in ctx.items():
        if isinstance(value, dict):
            _check_words(value, f"{where}.{key}")
        elif isinstance(value, list):
            bad = [w for w in value if not isinstance(w, str)]
            if bad:
                raise ValueError(f"risk lexicon {where}.{key}: {bad!r} are not words (quote them)")


def _laughter_regex(ctx: dict[str, Any]) -> re.Pattern[str] | None:
    """Laughter in the original text: words ("wkwk", "haha", "lol") or emoji."""
    marks = [str(w) for w in ctx.get("laughter") or ()]
    if not marks:
        return None
    alts = "|".join(re.escape(m) for m in sorted(marks, key=len, reverse=True))
    return re.compile(rf"(?i)(?:{alts})")


#: Quote marks around a word said in jest.
_QUOTES = frozenset("'\"‘’“”`")


def _quoted(original: str, span: tuple[int, int] | None) -> bool:
    """Whether the original words at `span` stand in quote marks ("'dikurung'")."""
    if span is None:
        return False
    start, end = span
    return (
        start > 0
        and end < len(original)
        and original[start - 1] in _QUOTES
        and original[end] in _QUOTES
    )


def _relatives_regex(ctx: dict[str, Any]) -> re.Pattern[str]:
    """The relatives, less a kin word used to address the reader: "kak" opening a clause or
    after a greeting ("tolong kak, ..."), or closing the message ("... tu kyk gmn kak?"). A
    message that says "kak" to the bot names no relative of the writer's."""
    kin = _phrase_regex(ctx["relatives"]).pattern
    words = [re.escape(str(w)) for w in ctx.get("vocatives") or ()]
    if not words:
        return re.compile(kin)
    openers = [re.escape(str(w)) + " " for w in ctx.get("vocative_openers") or ()]
    before = "|".join(["(?<=^)", "(?<=[,.!?;:] )", *(f"(?<={o})" for o in openers)])
    address = "|".join(words)
    opening = rf"(?:{before})(?:{address})(?= [,.!?;:]| ?[?!.]*$)"
    closing = rf"(?:{address})(?= ?[?!.]*$)"
    return re.compile(rf"(?!{opening}|{closing}){kin}")


def _hearsay_regex(ctx: dict[str, Any]) -> re.Pattern[str] | None:
    """A reassurance that only the agent or employer gives ("agen bilang baik baik saja"), or one
    still awaited ("kalau sudah ada kabar", "kalo bos su kas kembali beta pung paspor"): the
    speaker or the "if", up to three words, then a `resolved`, `over_now` or `denials` phrase.
    The family still has not heard from the worker, so it is no sign that the contact is back,
    the danger over or the papers returned."""
    if not (ctx.get("hearsay") and ctx.get("resolved")):
        return None
    speakers = _phrase_regex(ctx["hearsay"]).pattern
    denied = [p for phrases in (ctx.get("denials") or {}).values() for p in phrases]
    resolved = _phrase_regex(
        list(ctx["resolved"]) + list(ctx.get("over_now") or ()) + denied
    ).pattern
    phrased = speakers + r"(?: [^\s.,;!?]+){0,3} " + resolved
    if ctx.get("hearsay_speakers") and ctx.get("hearsay_verbs"):
        who = _phrase_regex(ctx["hearsay_speakers"]).pattern
        verb = _phrase_regex(ctx["hearsay_verbs"]).pattern
        phrased += rf"|{who}(?: [^\s.,;!?]+){{0,4}} {verb}(?: [^\s.,;!?]+){{0,3}} {resolved}"
    return re.compile(phrased)


def _with_possessive(phrases: list[str]) -> re.Pattern[str]:
    """Phrases with an optional possessive and kin ("my neighbour's daughter", "anak tetangga
    saya", Kupang Malay "tetangga pung nona"), so that neither is read as the writer or the
    writer's relative."""
    alts = sorted((re.escape(str(p).lower()) for p in phrases), key=len, reverse=True)
    core = r"(?<![\w'])(?:" + "|".join(alts) + ")"
    kin = (
        r"(?:anak|adik|kakak|suami|istri|nona|nyong|ana|son|daughter|sister|brother|husband|wife"
        r"|child|kid)"
    )
    return re.compile(
        rf"(?:\b{kin} (?:dari |of )?)?"
        r"(?:\b(?:my|our|the|her|his|their|saya punya|kami punya|kita punya) )?"
        + core
        + rf"(?:'s {kin}| punya {kin})?(?: (?:saya|kami|aku|kita|my|our))?(?![\w'])"
    )


def _denials(ctx: dict[str, Any]) -> dict[str, re.Pattern[str]]:
    """Per flag, the phrases that deny it; a contact said to be back (`resolved`) denies
    lost_contact."""
    phrases: dict[str, list[str]] = {k: list(v) for k, v in (ctx.get("denials") or {}).items()}
    if ctx.get("resolved"):
        phrases.setdefault("lost_contact", []).extend(ctx["resolved"])
    return {k: _phrase_regex(v) for k, v in phrases.items()}


@dataclass(frozen=True)
class RiskLexicon:
    rules: tuple[Rule, ...]
    #: Every rule's needles, looked for once per message.
    needles: tuple[str, ...]
    negators: frozenset[str]
    general: re.Pattern[str]
    #: Phrases that contain a general word but are not one ("tanda tangan" is not "tanda").
    not_general: re.Pattern[str] | None
    hypothetical: re.Pattern[str]
    stranger: re.Pattern[str]
    #: Phrases that contain a story word but tell no story ("cek di internet").
    not_stranger: re.Pattern[str] | None
    first_person: re.Pattern[str]
    relatives: re.Pattern[str]
    #: Acquaintances with their possessive ("tetangga saya"), and past-time words.
    others: re.Pattern[str]
    past: re.Pattern[str]
    #: Per flag, words that a report of it uses ("kabar", "hilang", "reach"; "paspor", "ktp"),
    #: needed by the classifier's implied flag and by the learnt model's flag unless very sure.
    intent_cues: dict[str, re.Pattern[str]]
    #: Words of a plan already set; with them an "if" clause of the message is a report.
    plan: re.Pattern[str] | None = None
    #: Words telling that someone already made the writer an offer ("om yang ajak"): a plan
    #: whose subject goes without saying.
    offer_made: re.Pattern[str] | None = None
    #: Words that cannot carry a flag of the learnt model alone (who, where, when).
    model_generic: frozenset[str] = frozenset()
    #: Verbs after which a negator is a refusal ("tidak dikasih makan"), not a negation.
    refusals: frozenset[str] = frozenset()
    #: Words saying a lost contact is over ("sudah ada kabar lagi").
    resolved: re.Pattern[str] | None = None
    #: A `resolved` phrase in the mouth of the agent or employer ("agen bilang baik baik saja"),
    #: set aside before the denials are read.
    hearsay: re.Pattern[str] | None = None
    #: Per flag, words that deny a flag outright, the rules' and the model's ("tunggu sampai
    #: umur 18").
    denials: dict[str, re.Pattern[str]] = field(default_factory=dict)
    #: Per flag, words that deny the learnt model's flag outright ("her own passport").
    model_denials: dict[str, re.Pattern[str]] = field(default_factory=dict)
    #: Words that open a purpose ("biar", "supaya", "so"): a negator after them is no denial.
    purposes: frozenset[str] = frozenset()
    #: Who can open the consequence of an "if" ("kalo protes dong pukul"), and the words that
    #: keep that consequence hypothetical ("nanti", "will", "?").
    consequent_actors: frozenset[str] = frozenset()
    conditional_modals: frozenset[str] = frozenset()
    #: Questions that stay general even when "we" or "I" ask them ("for a village talk: how do we
    #: explain ...", "kermana katong tau agen yang suka tahan paspor?").
    general_anyway: re.Pattern[str] | None = None
    #: Laughter ("wkwk", "haha", an emoji): with it, a danger word in quotes is a joke
    #: ("wkwk aku 'dikurung' di kamar sm anak majikan suruh main PS").
    laughter: re.Pattern[str] | None = None
    #: Words saying a danger told in the past is over ("tapi sekarang dia sudah pulang", "sudah
    #: pindah ke majikan baru"): after them, a past-time clause tells what was, not what is.
    over_now: re.Pattern[str] | None = None
    #: Words saying the writer took part ("saya sudah kirim ktp ke dia"): what the message tells
    #: is then the writer's own affair, whatever story words it uses.
    involved: re.Pattern[str] | None = None
    #: The writer's own word that it is no emergency ("not an emergency, just asking").
    not_urgent: re.Pattern[str] | None = None
    #: The writer announcing a question ("saya mau tanya", "I want to ask"): a first person that
    #: says nothing of the writer's own situation.
    asking: re.Pattern[str] | None = None
    #: Words saying a threatened harm has happened before ("dipukul lagi kayak kemarin"): the
    #: "kalau" that carries it is then a habit, not a hypothetical.
    happened_before: re.Pattern[str] | None = None
    #: Words of a case still to pursue ("kasus", "lapor", "report"): a past danger the writer
    #: wants to act on stays flagged even when the person is safe now.
    case_open: re.Pattern[str] | None = None

    @classmethod
    def load(cls, path: Path = RISK_LEXICON_FILE) -> RiskLexicon:
        doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        macros: dict[str, str] = doc.get("macros", {})
        rules: list[Rule] = []
        for flag, kinds in doc["flags"].items():
            if flag not in RISK_FLAGS:
                raise ValueError(f"unknown risk flag in lexicon: {flag}")
            for kind, negated in (("patterns", False), ("negative_patterns", True)):
                for p in kinds.get(kind) or []:
                    regex = re.compile(expand_macros(p, macros))
                    rules.append(Rule(flag, regex, negated, required_literals(regex)))
        ctx = doc["context"]
        _check_words(ctx)
        return cls(
            rules=tuple(rules),
            needles=tuple(sorted({n for r in rules for n in r.needles or ()})),
            negators=frozenset(str(n) for n in ctx["negators"]),
            general=_phrase_regex(ctx["general"]),
            not_general=_optional_phrases(ctx, "not_general"),
            hypothetical=_phrase_regex(ctx["hypothetical"]),
            stranger=_phrase_regex(ctx["stranger"]),
            not_stranger=_optional_phrases(ctx, "not_stranger"),
            first_person=_phrase_regex(ctx["first_person"]),
            relatives=_relatives_regex(ctx),
            others=_with_possessive(ctx["others"]),
            past=_phrase_regex(ctx["past"]),
            intent_cues={k: _phrase_regex(v) for k, v in (ctx.get("intent_cues") or {}).items()},
            plan=_optional_phrases(ctx, "plan"),
            offer_made=_optional_phrases(ctx, "offer_made"),
            model_generic=frozenset(str(w) for w in ctx.get("model_generic") or ()),
            refusals=frozenset(str(w) for w in ctx.get("refusals") or ()),
            resolved=_optional_phrases(ctx, "resolved"),
            hearsay=_hearsay_regex(ctx),
            purposes=frozenset(str(w) for w in ctx.get("purposes") or ()),
            denials=_denials(ctx),
            model_denials={
                k: _phrase_regex(v) for k, v in (ctx.get("model_denials") or {}).items()
            },
            consequent_actors=frozenset(str(w) for w in ctx.get("consequent_actors") or ()),
            conditional_modals=frozenset(str(w) for w in ctx.get("conditional_modals") or ()),
            laughter=_laughter_regex(ctx),
            over_now=_optional_phrases(ctx, "over_now"),
            case_open=_optional_phrases(ctx, "case_open"),
            involved=_optional_phrases(ctx, "involved"),
            not_urgent=_optional_phrases(ctx, "not_urgent"),
            asking=_optional_phrases(ctx, "asking"),
            happened_before=_optional_phrases(ctx, "happened_before"),
            general_anyway=_optional_phrases(ctx, "general_anyway"),
        )


@dataclass(frozen=True)
class _Clause:
    start: int
    end: int
    text: str


def _clauses(text: str) -> list[_Clause]:
    """Split canonical text (tokens joined by spaces) at punctuation and contrast words."""
    out: list[_Clause] = []
    start = 0
    pos = 0
    for tok in text.split(" "):
        end = pos + len(tok)
        if tok in _CLAUSE_BREAKS:
            if pos > start:
                out.append(_Clause(start, pos, text[start:pos].strip()))
            start = end + 1
        pos = end + 1
    if start < len(text):
        out.append(_Clause(start, len(text), text[start:].strip()))
    return out


#: How far into a consequence its passive verb may stand ("paspor saya ditahan").
PASSIVE_WINDOW = 3
#: Words that begin with "di" without being passive verbs.
_NOT_PASSIVE = frozenset({"dia", "diri", "dimana", "disana", "disini", "disitu", "dini", "dinas"})


def _is_passive(word: str) -> bool:
    """Whether `word` reads as an Indonesian passive verb ("dipukul", "ditahan")."""
    return word.startswith("di") and len(word) > 4 and word not in _NOT_PASSIVE


def _is_minor_birth_year(year: int, today: date | None = None) -> bool:
    """Whether someone born in `year` can be under 18 now (born 2009 is 17 in 2026)."""
    this_year = (today or date.today()).year
    return 0 <= this_year - year < ADULT_AGE


class RiskDetector:
    """Flags and level of one message; see the module docstring for what cancels a flag."""

    def __init__(
        self, lexicon: RiskLexicon | None = None, flag_model: FlagModel | None = None
    ) -> None:
        self.lexicon = lexicon or RiskLexicon.load()
        self.flag_model = flag_model

    def _cancel_reason(
        self, norm: str, start: int, end: int, rule: Rule, clauses: list[_Clause], story: bool
    ) -> str | None:
        lex = self.lexicon
        clause = next((c for c in clauses if c.start <= start < c.end + 1), None)
        ctext = clause.text if clause else norm
        if not rule.negated_form:
            inside = set(norm[start:end].split())
            cstart = clause.start if clause else 0
            before = self._negation_window(norm[cstart:start].split())
            if lex.negators & (inside | set(before)):
                return "negated"
        cstart, cend = (clause.start, clause.end) if clause else (0, len(norm))
        merged = self._condition_start(norm, clauses, clause, cstart)
        if merged != cstart:
            # One condition over two clauses: its consequence runs to the sentence's end ("...
            # tidak mau kasih paspor, itu melanggar hak kan?").
            cstart = merged
            ends = [i for i in (norm.find(c, start) for c in ".?!") if i >= 0]
            cend = min(ends) - 1 if ends else len(norm)
        if self._in_condition(norm, cstart, start, cend) and (
            not self._has_plan(norm) or _FUTURE_CONDITION.search(norm[cstart:start])
        ):
            return "hypothetical"
        own_words = lex.others.sub(" ", ctext)  # "anak sekolah", "tetangga saya" are not kin
        if lex.asking is not None:
            own_words = lex.asking.sub(" ", own_words)  # "sy mau tanya, apa majikan boleh ..."
        personal = bool(lex.first_person.search(own_words) or lex.relatives.search(own_words))
        if self._is_general(ctext) and not personal:
            return "general question"
        if lex.general_anyway is not None and lex.general_anyway.search(ctext):
            return "general question"
        if lex.others.search(ctext) and lex.past.search(ctext):
            rest = lex.others.sub(" ", ctext)
            if not (lex.first_person.search(rest) or lex.relatives.search(rest)):
                return "past story about an acquaintance"
        if (
            lex.over_now is not None
            and lex.past.search(ctext)
            and lex.over_now.search(norm, end)
            and not (lex.case_open is not None and lex.case_open.search(norm))
        ):
            return "told in the past, and the message says it is over"
        if story:
            # The writer or a relative in a clause that is not itself the story keeps the flag;
            # inside the story's clause ("saya baca berita ...") only a relative does.
            in_story = self._tells_story(ctext)
            # In the story's own clause a bare kin word is the story's ("berita anak umur 15
            # dari Sumba"); it is the writer's relative only beside the writer ("anak saya").
            # Acquaintances with their kin and possessive ("anak tetangga kami") are neither the
            # writer nor the writer's relative.
            own = lex.others.sub(" ", ctext)
            relative = bool(lex.relatives.search(own))
            if in_story:
                teller_out = lex.stranger.sub(" ", own)  # "saya baca berita" is the reader
                keeps = relative and bool(lex.first_person.search(teller_out))
            else:
                keeps = relative or bool(lex.first_person.search(own))
            if not keeps:
                return "story about others"
        return None

    def distrust(
        self, normalised: Normalised, intent: IntentScore, original: str | None = None
    ) -> str | None:
        """Why the classifier's intent must not escalate by itself, or None. An emergency or
        lost_contact guess for a message that only tells of others ("I read in the news about
        girls trapped in scam compounds, how do people get pulled in?") is treated like an
        unsure guess: the level comes from the flags, and the policy asks the user whether they
        are in danger instead of paging an officer. So is a lost_contact guess for a message
        that says the contact is back ("bukan hilang kontak, anak saya sudah telepon tadi") or
        that has no word of silence at all ("can a 17 year old go abroad?"), unless very sure,
        and an emergency guess for a message that names abuse only to deny it."""
        if intent.name in STORY_SENSITIVE_INTENTS and self._only_about_others(normalised.text):
            return "a story about others, not the writer or a relative"
        if intent.name == "lost_contact" and self._contact_resolved(normalised.text):
            return "the message says the contact is back"
        if intent.name == "emergency" and self._danger_denied(normalised.text):
            return "the message denies the danger it names"
        if intent.name == "emergency" and self._danger_over(normalised.text):
            return "the message says the danger is over"
        if (
            intent.name == "emergency"
            and self.lexicon.not_urgent is not None
            and self.lexicon.not_urgent.search(normalised.text)
        ):
            return "the writer says it is no emergency"
        if (
            intent.name == "emergency"
            and original is not None
            and self._danger_in_jest(normalised, original)
        ):
            return "the danger it names is quoted in jest"
        if intent.name in CLASSIFIER_FLAGS and not self._has_cue(
            CLASSIFIER_FLAGS[intent.name], normalised.text, intent.confidence
        ):
            return "no word of a lost contact in the message"
        return None

    def _in_jest(self, original: str, span: tuple[int, int] | None) -> bool:
        """Whether the words at `span` are quoted in a message that laughs ("wkwk aku 'dikurung'
        di kamar sm anak majikan suruh main PS 🤣"): a joke, not a report."""
        laughter = self.lexicon.laughter
        return laughter is not None and _quoted(original, span) and bool(laughter.search(original))

    def _danger_in_jest(self, normalised: Normalised, original: str) -> bool:
        """Whether every confinement word of the message is quoted in jest."""
        found = self._danger_matches(normalised.text)
        return bool(found) and all(
            self._in_jest(original, normalised.original_span(m.start(), m.end())) for _, m in found
        )

    def _danger_matches(self, norm: str) -> list[tuple[Rule, re.Match[str]]]:
        """Every match of a confinement rule (not its negated forms): the danger words an
        emergency guess rests on, for `_danger_denied` and `_danger_in_jest`."""
        return [
            (rule, m)
            for rule in self.lexicon.rules
            if rule.flag == "confinement_abuse" and not rule.negated_form
            for m in rule.regex.finditer(norm)
        ]

    def _danger_denied(self, norm: str) -> bool:
        """Whether the message names abuse only to deny it ("majikan sonde pernah pukul dia, cuma
        suka marah"): a confinement rule matches, and every match is negated. (Not when every
        match is under "kalau": "kalau protes dicekik" and "kalo dia tau beta kena pukul lai"
        are emergencies told as habits and threats.)"""
        clauses = _clauses(norm)
        found = self._danger_matches(norm)
        return bool(found) and all(
            self._cancel_reason(norm, m.start(), m.end(), rule, clauses, False) == "negated"
            for rule, m in found
        )

    def _danger_over(self, norm: str) -> bool:
        """Whether the message says the writer or the relative is safe now ("sy sdh aman skrg,
        sdh di rumah", "my brother got released yesterday and is on the ship home"): thanks or
        news, not a call for help. A danger word the rules still read as current raises its
        flag, and the flag sets the level."""
        over = self.lexicon.over_now
        return over is not None and bool(over.search(self._without_hearsay(norm)))

    def _contact_resolved(self, norm: str) -> bool:
        """Whether the message says a lost contact is over ("ternyata hpnya rusak, sudah kabar
        lagi"): a relief to hear, not a case to open."""
        resolved = self.lexicon.resolved
        return resolved is not None and bool(resolved.search(self._without_hearsay(norm)))

    def _without_hearsay(self, norm: str) -> str:
        """The text less the reassurances only the agent or employer gives."""
        hearsay = self.lexicon.hearsay
        return norm if hearsay is None else hearsay.sub(" ", norm)

    def _only_about_others(self, norm: str) -> bool:
        """Whether the message tells a story (news, hearsay, the next village) and, once the
        story's own words and the acquaintances are set aside, names neither the writer nor a
        relative: "I read in the news about girls trapped in scam compounds"."""
        lex = self.lexicon
        if not self._tells_story(norm):
            return False
        rest = lex.others.sub(" ", lex.stranger.sub(" ", norm))
        return not (lex.first_person.search(rest) or lex.relatives.search(rest))

    def _is_telling(self, word: str) -> bool:
        """Whether a word can carry a model flag: not who, where or when, nor a bare "no"."""
        lex = self.lexicon
        return not (
            word in lex.model_generic
            or word in lex.negators
            or lex.first_person.fullmatch(word)
            or lex.relatives.fullmatch(word)
        )

    def _model_negated(
        self, score: FlagScore, evidence: list[WordWeight], clauses: list[_Clause]
    ) -> str | None:
        """Whether a negator shortly before one of the model's evidence words, in its clause,
        negates the report: "paspor sy tidak ditahan", "majikan tidak pernah pukul". A negator
        that is itself strong evidence is part of the report the model learnt ("sonde ada
        kabar"), and one that opens a refusal ("tidak mau kasih kembali paspor") is what the
        report says; neither negates anything."""
        negators = self.lexicon.negators
        if any(w.word in negators for w in score.evidence):
            return None
        words = list(score.words)
        for w in evidence:
            clause = next((c for c in clauses if c.start <= w.start < c.end + 1), None)
            lo = clause.start if clause else 0
            at = words.index(w)
            for j in range(max(0, at - NEGATION_WINDOW), at):
                if (
                    words[j].start >= lo
                    and words[j].word in negators
                    and not self._refuses(words, j)
                    and not self._states_purpose(words, j)
                ):
                    return "negated"
        return None

    def _negation_window(self, before: list[str]) -> list[str]:
        """The words before a match that can negate it: the last NEGATION_WINDOW, less a
        negator that opens an "if" ("kalau tidak capai target dipukul" does not deny the
        beating; the condition rules judge that clause), and less what precedes a "dan" in it:
        "gaji belum dibayar dan paspor dipegang mandor" tells two things, and the first one's
        "belum" does not deny the second."""
        window = before[-NEGATION_WINDOW:]
        joins = [i for i, w in enumerate(window) if w in _COORDINATORS]
        if joins:
            window = window[joins[-1] + 1 :]
        offset = len(before) - len(window)
        lex = self.lexicon
        kept = []
        for i, word in enumerate(window):
            at = offset + i
            opens_condition = (
                word in lex.negators
                and at > 0
                and lex.hypothetical.fullmatch(before[at - 1]) is not None
                and at < len(before) - 1
            )
            if not opens_condition:
                kept.append(word)
        return kept

    def _states_purpose(self, words: list[WordWeight], at: int) -> bool:
        """Whether the negator at `at` belongs to a purpose ("paspor ditahan biar ga kabur",
        "so I don't run away"): what was done to the worker, not a denial of it."""
        before = {w.word for w in words[max(0, at - PURPOSE_WINDOW) : at]}
        return bool(before & self.lexicon.purposes)

    def _refuses(self, words: list[WordWeight], at: int) -> bool:
        """Whether the negator at `at` opens a refusal: a refusal verb right after it, or after
        one more word ("tidak mau kasih", "sonde pernah dikasih")."""
        following = [w.word for w in words[at + 1 : at + 3]]
        return any(word in self.lexicon.refusals for word in following)

    def _condition_start(
        self, norm: str, clauses: list[_Clause], clause: _Clause | None, cstart: int
    ) -> int:
        """Where the condition that may govern `clause` starts: its own start, or the previous
        clause's when that opens with "kalau" and only a "but" parts them ("kalau kontrak habis
        tapi majikan tidak mau kasih paspor, ..." is one condition)."""
        if clause is None or clause not in clauses:
            return cstart
        i = clauses.index(clause)
        if i == 0:
            return cstart
        previous = clauses[i - 1]
        between = norm[previous.end : clause.start].split()
        opens = previous.text.split()[:1]
        if (
            between
            and set(between) <= _CONTRASTS
            and opens
            and self.lexicon.hypothetical.fullmatch(opens[0])
        ):
            return previous.start
        return cstart

    def _in_condition(self, norm: str, cstart: int, start: int, cend: int | None = None) -> bool:
        """Whether a match at `start` lies inside an "if" condition of its clause.

        "kalau"/"if" governs what follows it, not what precedes it ("paspor ditahan agen kalau
        saya belum bayar" is a report; "kalau paspor ditahan, lapor ke mana?" is not). A
        condition that opens the clause covers the rest of it; one that follows a statement
        ("majikan pukul kami kalau kerja lambat dan paspor dia simpan") ends at "dan"/"and".
        A condition someone else told the writer is their terms, not a hypothetical ("katanya
        kalo mau ambil paspor musti bayar 10 juta").
        """
        before = norm[cstart:start]
        hits = list(self.lexicon.hypothetical.finditer(before))
        if not hits:
            return False
        last = hits[-1]
        lead = before[: last.start()].split()
        between = before[last.end() :].split()
        if tuple(between[:2]) in _REPORTING or tuple(between[:1]) in _REPORTING:
            return False  # "kalau mau lapor agen yg tahan ktp": what is reported is real
        # The consequence runs to the clause's end and the mark after it ("... pukul saya?").
        consequence = norm[start : len(norm) if cend is None else cend + 2]
        happened = self.lexicon.happened_before
        if happened is not None and happened.search(consequence):
            return False  # "nanti sy dipukul lagi kayak kemarin": it has happened
        if self._is_habit(between, consequence):
            return False
        if not lead:
            return True
        said_by = set(lead[-REPORTED_SPEECH_WINDOW:])
        if _REPORTED_SPEECH & said_by and not _RUMOUR_SPEAKERS & said_by:
            return False
        return not (_COORDINATORS & set(between))

    def _is_habit(self, condition: list[str], consequence: str) -> bool:
        """Whether the match opens the consequence of a habit: after "kalau" and what the writer
        does, a new actor (or, after a failing, the passive: "kalau tidak capai target
        dipukul"), and no modal or question mark up to the clause's end ("kalo protes dong
        pukul"; not "kalau saya kabur nanti majikan pukul saya?")."""
        lex = self.lexicon
        told = consequence.split()
        # The actor must follow something the writer does, not just qualify the condition's own
        # subject ("if someone's employer hits them" is a hypothetical about that employer).
        actor = any(
            w in lex.consequent_actors and not set(condition[:i]) <= _SUBJECT_MODIFIERS
            for i, w in enumerate(condition)
            if i > 0
        ) or (
            # "kalo sonde bayar dong sonde kasi kembali paspor": the actor opens the match itself,
            # after a condition of the writer's own (not "if an employer holds ...").
            len(condition) > 1
            and not set(condition) <= _SUBJECT_MODIFIERS | _EMPTY_CONDITION
            and bool(told)
            and told[0] in lex.consequent_actors
        )
        # "kalau tidak capai target dipukul", "kalau belum lunas paspor saya ditahan": a failing
        # that is punished, told in the passive (its verb first or after what it is done to).
        punished = (
            bool(condition)
            and condition[0] in lex.negators
            and any(_is_passive(w) for w in told[:PASSIVE_WINDOW])
        )
        # "kalau majikan keluar pintu dikunci dari luar": what the employer does, then what is
        # done to the worker, told in the passive.
        routine = (
            len(condition) > 1
            and condition[0] in lex.consequent_actors
            and condition[1] in _ROUTINE_ACTS
            and any(_is_passive(w) for w in told[:PASSIVE_WINDOW])
        )
        if not (actor or punished or routine):
            return False
        return not (lex.conditional_modals & set(condition + told))

    def flags(
        self, normalised: Normalised, original: str, intent: IntentScore | None = None
    ) -> list[RiskFlag]:
        """Flags of the rules, then those the model adds (see `_model_flags` for how the
        intent weighs in)."""
        norm = normalised.text
        clauses = _clauses(norm)
        story = self._tells_story(norm)
        found: dict[str, RiskFlag] = {}
        explained: list[tuple[int, int]] = []  # spans of the text the rules read as a flag
        # Per flag, spans a rule of it matched and then ruled out (negated, hypothetical, general,
        # a story): the model must not raise the flag again on those words.
        ruled_out: dict[str, list[tuple[int, int]]] = {}
        needles = present(self.lexicon.needles, norm)
        for rule in self.lexicon.rules:
            if rule.flag in found or not rule.may_match(needles):
                continue
            for m in rule.regex.finditer(norm):
                born = m.groupdict().get("born")
                if born and not _is_minor_birth_year(int(born)):
                    continue
                span = normalised.original_span(m.start(), m.end())
                why = self._cancel_reason(norm, m.start(), m.end(), rule, clauses, story)
                if not why and self._in_jest(original, span):
                    why = "quoted in jest"
                if why:
                    log.debug("risk %s not raised by %r: %s", rule.flag, m.group(0), why)
                    ruled_out.setdefault(rule.flag, []).append((m.start(), m.end()))
                    continue
                trigger = original[span[0] : span[1]] if span else m.group(0)
                found[rule.flag] = RiskFlag(rule.flag, trigger, "lexicon")
                explained.append((m.start(), m.end()))
                break
        skip = set(found)
        checked = self._without_hearsay(norm)
        for denied, denial in self.lexicon.denials.items():
            # "tunggu sampai umur 18", "sudah ada kabar lagi": neither the rules' flag nor the
            # model's
            if denial.search(checked):
                if found.pop(denied, None):
                    log.debug("risk %s not raised: the message denies it", denied)
                skip.add(denied)
        if self.flag_model is not None:
            for flag in self._model_flags(
                normalised, original, clauses, story, skip, intent, explained, ruled_out
            ):
                found[flag.name] = flag
        return list(found.values())

    def _model_flags(
        self,
        normalised: Normalised,
        original: str,
        clauses: list[_Clause],
        story: bool,
        known: set[str],
        intent: IntentScore | None,
        explained: list[tuple[int, int]],
        ruled_out: dict[str, list[tuple[int, int]]],
    ) -> list[RiskFlag]:
        """Flags the learnt model raises and the rules did not, located at their strongest
        evidence word and kept only if that spot is no question, condition or story. When the
        classifier is sure the message asks for information ("paspor beta su abis, mau bekin
        baru": ask_passport), the model needs to be near certain: the words of a topic are
        not a report of its danger. A model's underage gives way to an adult age the message
        states, and its lost_contact needs a word of lost contact (as the classifier's does).
        Nor does a model flag count whose strongest word lies in
        words a rule already read as another flag ("umurnya dinaikkan" is fake_documents, not
        also underage), nor one that leans on words a rule of the same flag matched and ruled
        out ("if my employer ever locks me in": the rules judged "locks" hypothetical)."""
        assert self.flag_model is not None
        norm = normalised.text
        info = (
            intent is not None
            and intent.name in NEGATIVE_INTENTS
            and intent.confidence >= INFO_INTENT_SURE
        )
        if not (self.lexicon.first_person.search(norm) or self.lexicon.relatives.search(norm)):
            return []  # a flag is raised for the writer's or a relative's situation
        out: list[RiskFlag] = []
        floor = MODEL_FLAG_SURE if info else None
        adult = bool(_ADULT_AGE.search(norm))
        for score in self.flag_model.raised(norm, skip=known, floor=floor):
            evidence = [w for w in score.support if self._is_telling(w.word)][:EVIDENCE_WORDS]
            if not evidence:
                continue
            if score.name == "underage" and adult:
                continue  # the rules read the age given ("umur asli 19"): it is an adult's
            if not self._has_cue(score.name, norm, score.probability):
                continue  # a relative abroad is not by itself lost (intent_cues)
            denial = self.lexicon.model_denials.get(score.name)
            if denial is not None and denial.search(norm):
                continue  # "she keeps her own passport"
            top = evidence[0]
            spent = ruled_out.get(score.name, [])
            if any(a <= w.start < b for w in evidence for a, b in spent):
                log.debug("model flag %s: leans on words its rules ruled out", score.name)
                continue
            if any(a <= top.start < b for a, b in explained):
                log.debug("model flag %s: %r already read by a rule", score.name, top.word)
                continue
            why = self._model_negated(score, evidence, clauses)
            rule = Rule(score.name, _NEVER, negated_form=True)
            why = why or self._cancel_reason(norm, top.start, top.end, rule, clauses, story)
            if why:
                log.debug("model flag %s (%.2f) not raised: %s", score.name, score.probability, why)
                continue
            words = []
            for w in evidence:
                span = normalised.original_span(w.start, w.end)
                words.append(original[span[0] : span[1]] if span else w.word)
            trigger = f"{', '.join(words)} (model {score.probability:.2f})"
            out.append(RiskFlag(score.name, trigger, "model"))
        return out

    def assess(
        self,
        normalised: Normalised,
        original: str,
        intent: IntentScore,
        fallback_reason: str | None = None,
    ) -> Risk:
        """Flags and level. When the classifier is unsure (`fallback_reason` from
        nlu.fallback), its intent does not set the level: the flags alone do, so a weak
        "emergency" guess cannot make a job offer urgent (the policy asks "are you in danger?"
        for a weakly guessed handoff intent with no risk words)."""
        flags = self.flags(normalised, original, intent)
        names = {f.name for f in flags}
        implied = CLASSIFIER_FLAGS.get(intent.name)
        if (
            implied
            and implied not in names
            and intent.confidence >= CLASSIFIER_FLAG_CONFIDENCE
            and not self._message_is_general(normalised.text)
            and self._has_cue(implied, normalised.text, intent.confidence)
            and not self._contact_resolved(normalised.text)
        ):
            flags.append(
                RiskFlag(implied, f"intent {intent.name} ({intent.confidence:.2f})", "classifier")
            )
            names.add(implied)
        level_intent = FALLBACK_INTENT if fallback_reason else intent.name
        level = risk_level(level_intent, frozenset(names))
        if fallback_reason and level != risk_level(intent.name, frozenset(names)):
            log.info(
                "risk level %s from the flags alone, not from intent %s (%.2f): %s",
                level,
                intent.name,
                intent.confidence,
                fallback_reason,
            )
        if level_at_least(level, "high"):
            log.info(
                "escalation level=%s intent=%s (%.2f) flags=%s text=%r",
                level,
                intent.name,
                intent.confidence,
                "; ".join(f"{f.name}<-{f.trigger!r}" for f in flags) or "-",
                original[:120],
            )
        return Risk(level=level, flags=tuple(sorted(flags, key=lambda f: f.name)))

    def _has_plan(self, norm: str) -> bool:
        """Whether the writer or a relative states a plan already set: then "kalau ..., bisa ko?"
        asks about that plan, and its words are a report."""
        lex = self.lexicon
        if lex.offer_made is not None and lex.offer_made.search(norm):
            return True
        if lex.plan is None or not lex.plan.search(norm):
            return False
        return bool(lex.first_person.search(norm) or lex.relatives.search(norm))

    def _has_cue(self, flag: str, norm: str, confidence: float) -> bool:
        """Whether the message uses a word of `flag`, or the classifier is sure enough alone."""
        cues = self.lexicon.intent_cues.get(flag)
        return cues is None or confidence >= CLASSIFIER_FLAG_SURE or bool(cues.search(norm))

    def _tells_story(self, text: str) -> bool:
        lex = self.lexicon
        if lex.involved is not None and lex.involved.search(text):
            return False
        if lex.not_stranger is not None:
            text = lex.not_stranger.sub(" ", text)
        return bool(lex.stranger.search(text))

    def _is_general(self, text: str) -> bool:
        lex = self.lexicon
        if lex.not_general is not None:
            text = lex.not_general.sub(" ", text)
        return bool(lex.general.search(text))

    def _message_is_general(self, norm: str) -> bool:
        lex = self.lexicon
        if lex.hypothetical.search(norm):
            return True
        personal = lex.first_person.search(norm) or lex.relatives.search(norm)
        return bool(self._is_general(norm) and not personal)
