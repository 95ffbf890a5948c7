"""Turn a resident's text into matching terms, in Dutch or English.

Steps, each handling a way residents write:
- fold: capitals, accents and punctuation do not matter;
- concepts (content/data/synonyms.yaml): "geld", "financiering" and "subsidie" are one term,
  and so are Dutch and English words for the same thing;
- phrases about how someone came across a subject ("ik hoorde over") are dropped;
- stop words are dropped, but question words that tell topics apart (wie, wanneer, hoeveel,
  waarom) are concepts and stay;
- simplemma lemmatises inflected forms ("aangevraagd" -> aanvragen, "gekregen" -> krijgen),
  which stemming alone does not reach;
- Snowball stemming (Dutch or English, chosen per text): "wijkraden" ~ "wijkraad"; a Dutch word of
  the FAQ that is no English word is stemmed as Dutch in English text too ("leefbaarheid");
- Dutch separable verbs are put back together: "schaft de gemeente de wijkraden af" and
  "om mee te doen" read as afschaffen and meedoen; a particle written before a known verb is
  that verb ("meebeslissen" -> beslissen);
- Dutch compounds are split into known words: "wijkplatformsubsidie" -> wijkplatform + subsidie,
  and a compound written as two words is joined: "initiatief raad" -> initiatiefraad;
- typos are corrected towards known words with rapidfuzz: "subsdie" -> "subsidie";
- words the FAQ never saw are remembered as *generic* when they are frequent in everyday
  language (pyspellchecker's word frequencies: "mogelijk", "weken"), so the matcher can weigh
  them lightly, unlike rare, topical words ("grofvuil", "paspoort") that signal another subject.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

import simplemma
import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA
from spellchecker import WordFrequency

from content.textfold import fold

STOPWORDS = {
    "nl": set(
        "de het een en of in op aan van voor met bij naar om te tot uit over door als dan dat die "
        "dit deze er ik je jij u uw we wij ze zij hij zij mijn mij me ons onze hun hen is zijn was "
        "waren ben bent wordt worden werd kan kun kunt kunnen mag mogen moet moeten wil wilt willen "
        "zou zouden heb hebt heeft hebben had gaat gaan ga komt komen nog al ook wel "
        "niet geen maar want dus zo wat hoe waar welk welke welken eigenlijk even graag nou toch "
        "hier daar iets iemand alle alles andere ander meer veel zeer erg nu dan hoor he hè eens "
        "zich zelf jullie krijg krijgt krijgen zit zitten staat staan nou precies allemaal gewoon "
        "eens straks ooit echt zon zoiets soort beetje misschien alsjeblieft aub svp vraag vraagje "
        "weet weten iemand mensen men ja nee oke ok ben bent word zeg zegt snap begrijp "
        "uitleggen vertellen kunt kun nieuw nieuwe betekenen betekent lijkt lijken "
        "zien zie ziet laten laat precies graag eigenlijk bij mij ons onze jullie "
        "binnen tussen sinds vanaf neem neemt nemen genomen alvast zichzelf onszelf".split()
    ),
    "en": set(
        "the a an and or in on at of for with by to from about as than that this these those it "
        "its i you your we our they their he she my me us them is are was were be been being do "
        "does did can could may might must should would will shall have has had not no but so what "
        "how where which there here any some all more much very just also get gets got there's "
        "whats im its exactly please tell know someone anyone people yes ok okay really "
        "actually explain question new get got make made want wants like would mean means allowed may "
        "might permitted now then still anymore ever since if something anything nothing everything "
        "somebody anybody nobody themselves ourselves itself yourself myself".split()
    ),
}
CONCEPT_PREFIX = "~"
# How a resident came across the subject says nothing about it: "ik hoorde over wijkplatforms"
# is not about being heard (inspraak, zeggenschap).
STOP_PHRASES = tuple(f" {p} " for p in (
    "hoorde over", "hoorde van", "gehoord over", "gehoord van", "las over", "gelezen over",
    "heard about", "heard of", "read about"))
# Dutch separable verbs: the particle stands apart at the end of a main clause ("vraag ik het aan")
# or before "te" ("om mee te doen").
SEPARABLE_PARTICLES = frozenset("aan af bij door in mee na om op over terug toe uit vast weg".split())
# After the particle, a main clause may still have a prepositional phrase or a new clause
# ("vraag ik subsidie aan voor ons platform").
AFTER_PARTICLE = frozenset("voor bij als om met want omdat en of maar zodat dan wanneer naar in op tot "
                           "wat hoe hoeveel waarom wie welke waar dat".split())
# In English "do" is an auxiliary ("do I need ...") except at the end of a question, where it is
# the main verb ("what does a wijkplatform do"); there it reads as this word of the synonyms file.
MAIN_VERB_DO = ("do", "doing")
MIN_PART = 4  # shortest word accepted as part of a compound
# A word is generic when it occurs at least this often per million words of everyday language.
GENERIC_PER_MILLION = {"nl": 40.0, "en": 100.0}
TYPO_MIN_LENGTH = 5
TYPO_LONG_WORD = 12


class TextAnalyzer:
    """Knows the vocabulary of the FAQ and maps any text onto it."""

    def __init__(self, synonyms: Mapping[str, Iterable[str]]) -> None:
        self._stemmers = {"nl": snowballstemmer.stemmer("dutch"), "en": snowballstemmer.stemmer("english")}
        self._word_concepts: dict[str, str] = {}
        self._phrases: list[tuple[str, str]] = []
        for concept, variants in synonyms.items():
            for variant in variants:
                folded = fold(variant)
                if " " in folded:
                    self._phrases.append((f" {folded} ", concept))
                    if not folded.endswith("s"):  # "neighbourhood platforms", "wijk platforms"
                        self._phrases.append((f" {folded}s ", concept))
                else:
                    self._word_concepts[folded] = concept
        self._phrases.sort(key=lambda item: -len(item[0]))
        self._known: set[str] = set(self._word_concepts)
        self._known_list: list[str] = sorted(self._known)
        self._dutch: set[str] = set()  # words of the FAQ's Dutch texts
        self._stopwords = STOPWORDS["nl"] | STOPWORDS["en"]
        self.generic_terms: set[str] = set()  # terms of words that are common in everyday language
        for language in STOPWORDS:  # load the word frequencies now, not during a resident's first question
            _frequencies(language)

    def learn(self, texts: Iterable[str]) -> None:
        """Add the words of ``texts`` (and their lemmas) to the known vocabulary (for compounds and typos)."""
        for text in texts:
            language = self.language_of(text)
            for word in fold(text).split():
                if len(word) >= MIN_PART and not word.isdigit():
                    self._known.add(word)
                    self._known.add(self._lemma(word, language))
                    if language == "nl":
                        self._dutch.add(word)
        self._known_list = sorted(self._known)
        self._correct.cache_clear()
        self._split.cache_clear()

    def language_of(self, text: str, hint: str = "nl") -> str:
        words = fold(text).split()
        nl = sum(w in STOPWORDS["nl"] for w in words)
        en = sum(w in STOPWORDS["en"] for w in words)
        if nl == en:
            return hint
        return "en" if en > nl else "nl"

    def terms(self, text: str, language: str | None = None, *, correct: bool = True) -> list[str]:
        """Matching terms of ``text``; ``correct=False`` for the FAQ's own texts."""
        language = language or self.language_of(text)
        folded = f" {fold(text)} "
        out: list[str] = []
        for phrase in STOP_PHRASES:
            folded = folded.replace(phrase, " ")
        for phrase, concept in self._phrases:
            if phrase in folded:
                out.append(CONCEPT_PREFIX + concept)
                folded = folded.replace(phrase, " ")
        words = folded.split()
        if language == "nl":
            words = self._join_separable(words)
        elif words and words[-1] == MAIN_VERB_DO[0]:
            words[-1] = MAIN_VERB_DO[1]
        i = 0
        while i < len(words):
            # "initiatief raad", "kern team": a compound written as two words.
            joined = words[i] + words[i + 1] if i + 1 < len(words) else ""
            if joined in self._known and words[i] not in self._stopwords:
                out.extend(self._word_terms(joined, language, correct))
                i += 2
                continue
            out.extend(self._word_terms(words[i], language, correct))
            i += 1
        return out

    def _join_separable(self, words: list[str]) -> list[str]:
        """Put a split Dutch verb back together when the FAQ knows the whole verb.

        "waarom schaft de gemeente de wijkraden af" -> ... afschaffen ...; "om mee te doen" ->
        meedoen. Only verbs the FAQ knows count, so a preposition at the end of a question
        ("waar is het wijkplatform voor") is left alone.
        """
        words = list(words)
        for p in range(len(words) - 1, -1, -1):
            particle = words[p]
            if particle not in SEPARABLE_PARTICLES:
                continue
            if p + 2 < len(words) and words[p + 1] == "te":  # "mee te doen"
                verb = self._separable_verb(particle, words[p + 2])
                if verb:
                    words[p:p + 3] = [verb]
                continue
            if p + 1 < len(words) and words[p + 1] not in AFTER_PARTICLE:
                continue
            for v in range(p):  # the finite verb comes early in a main clause
                verb = self._separable_verb(particle, words[v])
                if verb:
                    words[v] = verb
                    del words[p]
                    break
        return words

    def _separable_verb(self, particle: str, form: str) -> str | None:
        word = particle + form
        if not simplemma.is_known(word, lang="nl"):
            return None
        lemma = self._lemma(word, "nl")
        for candidate in (lemma, word):  # a known verb, or a stop word ("leg eens uit" -> uitleggen)
            if candidate in self._word_concepts or candidate in self._known or candidate in self._stopwords:
                return candidate
        return None

    def _word_terms(self, word: str, language: str, correct: bool) -> list[str]:
        if word in self._word_concepts:
            return [CONCEPT_PREFIX + self._word_concepts[word]]
        if word in self._stopwords or len(word) == 1 or (word.isdigit() and len(word) < 4):
            return []
        if language == "en" and word in self._dutch and not _english(word):
            # A Dutch name in English ("what is the leefbaarheid budget", also in the FAQ's
            # English answers) is analysed as Dutch, so it meets the Dutch questions' terms.
            language = "nl"
        lemma = self._lemma(word, language)
        if lemma != word:
            if lemma in self._word_concepts:
                return [CONCEPT_PREFIX + self._word_concepts[lemma]]
            if lemma in self._stopwords:
                return []
            word = lemma
        parts = self._split(word)
        if parts and parts[1] in self._known:
            # A compound of two known words matches by its parts, wherever it was seen:
            # "wijkplatformsubsidie" is about the wijkplatform and about subsidie.
            return [t for part in parts for t in self._part_terms(part, language)]
        if word in self._known or not correct:
            term = self._stem(word, language)
            self._note_generic(word, term, language)
            return [term] + [t for part in parts for t in self._part_terms(part, language)]
        corrected = self._correct(word)  # a typo of a known word ("gebiedsverbider")
        if corrected:
            return self._word_terms(corrected, language, correct=False)
        verb = self._particle_verb(word, language)
        if verb:  # "opstarten", "meebeslissen": a particle before a verb the FAQ knows
            return self._word_terms(verb, language, correct=False)
        if parts:  # a compound with a known first part ("bingoavond")
            return [t for part in parts for t in self._part_terms(part, language)]
        term = self._stem(word, language)
        self._note_generic(word, term, language)
        return [term]

    def _particle_verb(self, word: str, language: str) -> str | None:
        """The known verb after a separable particle: "opstarten" -> "starten" (a verb form ending
        in -en; "bijstand" is no "bij" + "stand")."""
        if language != "nl" or not word.endswith("en"):
            return None
        for particle in SEPARABLE_PARTICLES:
            rest = word[len(particle):]
            if word.startswith(particle) and len(rest) >= MIN_PART:
                lemma = self._lemma(rest, language)
                if rest in self._word_concepts or lemma in self._word_concepts or lemma in self._known:
                    return rest
        return None

    def _note_generic(self, word: str, term: str, language: str) -> None:
        if term not in self.generic_terms and _per_million(word, language) >= GENERIC_PER_MILLION[language]:
            self.generic_terms.add(term)

    def _part_terms(self, part: str, language: str) -> list[str]:
        if part in self._stopwords:  # "something" is no compound of "some" and "thing"
            return []
        if part in self._word_concepts:
            return [CONCEPT_PREFIX + self._word_concepts[part]]
        return [self._stem(part, language)]

    @staticmethod
    @lru_cache(maxsize=50_000)
    def _lemma(word: str, language: str) -> str:
        """The dictionary form (lemma) of an inflected word, folded like the text."""
        if word.isdigit():
            return word
        lemma = fold(simplemma.lemmatize(word, lang=language))
        return lemma if lemma and " " not in lemma else word  # "samenwerken" -> "samen_werken": keep the word

    @lru_cache(maxsize=50_000)
    def _stem(self, word: str, language: str) -> str:
        return self._stemmers[language].stemWord(word)

    @lru_cache(maxsize=20_000)
    def _split(self, word: str) -> tuple[str, ...]:
        """Split a compound in two: both parts known, or else a known first part.

        Dutch compounds end in their main noun; "bingoavond" is about bingo even if
        "avond" is not a word of the FAQ. A linking s or e ("wijkplatformsubsidie",
        "bewonersinitiatief") is allowed after the first part.
        """
        if len(word) < 2 * MIN_PART:
            return ()
        fallback: tuple[str, ...] = ()
        for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head, tail = word[:cut], word[cut:]
            for candidate in (head, head[:-1] if head.endswith(("s", "e")) else None):
                if not candidate or len(candidate) < MIN_PART - 1 or candidate not in self._known:
                    continue
                if tail in self._known:
                    return (candidate, tail)
                if not fallback and len(candidate) > MIN_PART:
                    fallback = (candidate, tail)
        return fallback

    @lru_cache(maxsize=20_000)
    def _correct(self, word: str) -> str | None:
        """The known word this is a typo of: one edit away (two for long words).

        Edits are counted as optimal string alignment, so a swap ("wijkplatfrom") is one edit;
        a real Dutch or English word (simplemma's dictionaries) is never taken for a typo.
        """
        if len(word) < TYPO_MIN_LENGTH or word.isdigit():
            return None
        if simplemma.is_known(word, lang="nl") or _english(word):
            return None  # a real word ("sinds", "leggen") is not a typo of a FAQ word ("finds", "zeggen")
        max_edits = 2 if len(word) >= TYPO_LONG_WORD else 1
        match = process.extractOne(word, self._known_list, scorer=OSA.distance, score_cutoff=max_edits)
        return match[0] if match else None


@lru_cache(maxsize=50_000)
def _english(word: str) -> bool:
    return simplemma.is_known(word, lang="en")


@lru_cache(maxsize=2)
def _frequencies(language: str) -> WordFrequency:
    """pyspellchecker's word frequency list for a language (loaded once, on first use)."""
    from spellchecker import SpellChecker

    return SpellChecker(language=language, distance=1).word_frequency


@lru_cache(maxsize=50_000)
def _per_million(word: str, language: str) -> float:
    frequencies = _frequencies(language)
    return frequencies[word] * 1_000_000 / frequencies.total_words
