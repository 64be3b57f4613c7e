"""A person's name out of the roles around it: "Tallow Coast Tourism chief executive Greg
Ambrose" -> "Greg Ambrose", "sénateur du Finistère X" -> X, "Fire Chief X of the Y
District" -> "Fire Chief X"; a title ("Mayor X") and an organisation's class ("société
X", "engineering firm X") stay with the name.
"""

from __future__ import annotations

from .common_words import is_common_word, is_person_name, is_person_noun
from .lexicon import Lexicon, normalize_for_matching
from .names import NAME_PARTICLES, looks_like_name
from .organisations import names_an_organisation

#: words of a person's role before their name ("chief finance officer Graham Pell")
MAX_ROLE_WORDS = 4
#: capitalised words before a title that make a place or a body ("Port Halvard Mayor")
MIN_PLACE_WORDS = 2
#: a role with one of these is a role of something ("chief executive of the X Service")
_ROLE_LINKS = NAME_PARTICLES | frozenset(["the", "a", "an", "les", "l'", "at", "in", "à", "au"])


def person_of_body(phrase: str, lexicon: Lexicon) -> str:
    """ "Fire Chief Dana Whitlock of the Silver Fork Fire District" -> "Fire Chief Dana
    Whitlock", "Priya Nandakumar of Strand & Pohl" -> "Priya Nandakumar": a person's name
    (with a role), then the body they work for."""
    link = lexicon.author_link.search(normalize_for_matching(phrase), 1)
    if link is None:
        return phrase
    words = phrase[: link.start()].split()
    if (
        len(words) == 2
        and is_person_name(" ".join(words), lexicon)
        and phrase[link.end() :].lstrip()[:1].isupper()
        and len(phrase[link.end() :].split()) >= 2  # "Drac Centre-Val de Loire" is one name
    ):
        return " ".join(words)  # "Priya Nandakumar of Strand & Pohl Engineering"
    if len(words) < 3 or not looks_like_name(" ".join(words[-2:])):
        return phrase
    if lexicon.article_start.fullmatch(words[-2].lower()) is not None:
        return phrase  # "association Les Safraniers du Gâtinais": a name, not a person
    role = words[-3].lower().rstrip(".")
    title = words[-3].rstrip(".")
    if names_an_organisation(role, lexicon) and phrase[link.end() :].lstrip()[:1].islower():
        return phrase  # "association Oberhagen Cadre de vie": a body's name, not a person's
    if (
        role in lexicon.speaker_nouns
        or title in lexicon.title_abbreviations
        or title in lexicon.honorific_titles  # "Prof. Anjali Rao of Dalhousie University"
    ):
        return " ".join(words)
    return phrase


def drop_leading_complement(phrase: str, lexicon: Lexicon) -> str:
    """ "au micro Jean-Marc Sarrabère" (after "a lancé") -> the name: a preposition and its
    noun before a person's name."""
    words = phrase.split()
    if len(words) < 4 or lexicon.intro_start.fullmatch(words[0].lower()) is None:
        return phrase
    for i in range(1, min(len(words) - 1, MAX_ROLE_WORDS + 1)):
        if words[i][:1].isupper():
            name = " ".join(words[i:])
            prepositional = all(w.islower() for w in words[1:i])
            return name if prepositional and looks_like_name(name) else phrase
    return phrase


def _person_before_place(phrase: str) -> str:
    """ "economist Adam Kessler at Plains State University" -> "economist Adam Kessler"."""
    head, at, _ = phrase.partition(" at ")
    return head if at and looks_like_name(" ".join(head.split()[-2:])) else phrase


def _person_after_lower_role(words: list[str], lexicon: Lexicon) -> str | None:
    """ "Surf Life Saving Tallow president Darren Pike", "Board member Linda Fairbanks":
    a body's name, a role in lower case, then the person's name ending the phrase."""
    start = len(words)
    while start > 0 and words[start - 1][:1].isupper():
        start -= 1
    name = words[start:]
    if not 2 <= len(name) <= 3 or start < 2 or not looks_like_name(" ".join(name)):
        return None
    role = words[start - 1]
    # "Westray producer Kirsty Harcus", "Race marshal Gordon Sifton": any lower-case noun a
    # dictionary knows describes the person, when the name is no dictionary word itself
    person_role = (
        role.islower()
        and (
            role in lexicon.speaker_nouns
            or (
                is_common_word(role.rsplit("-", 1)[-1], lexicon)  # "vice-president": its head
                # "head of finance Rosa Lind": a role of something stays whole
                and not any(w.lower() in _ROLE_LINKS for w in words[:start])
                and is_person_name(" ".join(name), lexicon)
            )
        )
    )
    # "engineering firm Hollis Grant" is a firm's name, kept with its class
    return " ".join(name) if person_role and not names_an_organisation(role, lexicon) else None


def _from_last_title(words: list[str], lexicon: Lexicon) -> str | None:
    """ "Liberal Democrat group leader Councillor Dominic Reeve" -> "Councillor Dominic
    Reeve": a capitalised title right before the name, after other roles."""
    for i in range(len(words) - 3, 0, -1):
        title = words[i].rstrip(".")
        if (
            title[:1].isupper()
            and (title.lower() in lexicon.speaker_nouns or title in lexicon.title_abbreviations)
            and looks_like_name(" ".join(words[i + 1 :]))
            and any(w[:1].islower() for w in words[:i])
            and not any(names_an_organisation(w, lexicon) for w in words[i + 1 :])
        ):
            return " ".join(words[i:])  # not "(Cornish) Pilot Gig Association": no person
    return _after_capitalised_job(words, lexicon) or _after_place_and_title(words, lexicon)


def _after_common_words(words: list[str], lexicon: Lexicon) -> str | None:
    """ "Organizer Shawn Tillman", "extension agent Luis Baptiste" -> the person: words a
    dictionary knows only in lower case describe them, whatever their case ("Mayor" and
    "Fire Chief" are titles and stay)."""
    role: list[str] = []
    for word in words[:MAX_ROLE_WORDS]:
        if word.isupper() or not is_common_word(word, lexicon):
            break
        role.append(word)
    name = words[len(role) :]
    if (
        role
        and is_person_noun(role[-1], lexicon)
        and 2 <= len(name) <= 3
        and all(w[:1].isupper() and w[1:].islower() and w[-1].isalpha() for w in name)
        and is_person_name(" ".join(name), lexicon)
        and not any(w in lexicon.honorific_titles or w.lower() in _ROLE_LINKS for w in role)
        and not any(names_an_organisation(w, lexicon) for w in role)
    ):
        return " ".join(name)
    return None


def _after_place_and_title(words: list[str], lexicon: Lexicon) -> str | None:
    """ "Port Halvard Mayor Tom Ruud", "Dellmont Public Schools Superintendent Dr. Karen
    Liu" -> the person: a place or a body, a title, then the name, all in capitals."""
    for i in range(1, len(words) - 2):  # "Fire Chief Alma Ruiz" keeps its title
        title = words[i].rstrip(".")
        place = words[:i]
        if (
            (title in lexicon.honorific_titles or title in lexicon.title_abbreviations)
            and all(w[:1].isupper() or w.isdigit() for w in place)
            and (  # "Tawhero Mayor", "District 5 Supervisor"; "Fire Chief" is one title
                len(place) >= MIN_PLACE_WORDS or not is_common_word(place[0], lexicon)
            )
            and not any(w.rstrip(".") in lexicon.honorific_titles for w in words[:i])
        ):
            name = words[i + 1 :]
            while name and name[0].rstrip(".") in lexicon.title_abbreviations:
                name = name[1:]  # "Superintendent Dr. Karen Liu"
            if 2 <= len(name) <= 3 and looks_like_name(" ".join(name)):
                return " ".join(name)
    return None


def _after_capitalised_job(words: list[str], lexicon: Lexicon) -> str | None:
    """ "City Administrator Brenda Solis", "Harlow School Principal Dana Whitfield" -> the
    person: a job capitalised before a name is a description, not a title ("Mayor" stays)."""
    for i in range(len(words) - 3, 0, -1):
        job = words[i]
        name = words[i + 1 :]
        if (
            len(name) <= 3
            and job.lower() in lexicon.speaker_nouns
            and job not in lexicon.honorific_titles
            and not names_an_organisation(job, lexicon)
            and all(w[:1].isupper() for w in words[: i + 1])
            and looks_like_name(" ".join(name))
            and not any(w.lower() in lexicon.speaker_nouns for w in name)
        ):
            return " ".join(name)
    return None


def person_after_role(phrase: str, lexicon: Lexicon) -> str:
    """ "élue Nadia Ferhat", "Chief executive Andrew Whitlock" -> the name: a person's role
    in lower-case words (the first capitalised as it opens a sentence: "Chief executive";
    "Mayor Daniel Frost" is a title and stays), then their name;
    an organisation's class stays ("société Ventoris Énergies"), and so does a role with a
    place in it ("maire de Saint-Roch-en-Vallon Martine Guérin")."""
    phrase = _person_before_place(phrase)
    words = phrase.split()
    titled = _from_last_title(words, lexicon)
    if titled is not None:
        return titled
    person = _person_after_lower_role(words, lexicon) or _after_common_words(words, lexicon)
    if person is not None:
        return person
    # an acronym is part of the role ("Local MSP Kirsty Drummond"), not of the name
    first_name = next(
        (i for i, w in enumerate(words) if i and w[:1].isupper() and not w.isupper()), None
    )
    if (
        first_name is not None
        and words[first_name - 1].lower() in NAME_PARTICLES
        and len(words) - first_name >= 3
    ):
        # "sénateur du Finistère Hervé Le Borgne": a role, its place, then the person
        place_end = first_name + 1
        name = " ".join(words[place_end:])
        role = words[: first_name - 1]
        if (
            1 <= len(role) <= MAX_ROLE_WORDS
            and all(w.islower() for w in role[1:])
            and role[0].lower() in lexicon.speaker_nouns
            and not names_an_organisation(role[0], lexicon)
            and looks_like_name(name)
            and words[place_end][:1].isupper()
        ):
            return name
        return phrase
    if (
        first_name is None
        or first_name > MAX_ROLE_WORDS
        or len(words) - first_name < 2
        or words[first_name].lower().startswith(("d'", "l'"))
    ):
        return phrase
    role = [w.lower() if w.isupper() else w for w in [words[0].lower(), *words[1:first_name]]]
    name = " ".join(words[first_name:])
    # "Owner Dale Kessler": a role capitalised as it opens the sentence, not a title
    untitled = first_name == 1 and words[0] not in lexicon.honorific_titles
    if (
        all(w.islower() and w not in _ROLE_LINKS for w in role)
        and (words[0].islower() or ((first_name > 1 or untitled) and words[0][1:].islower()))
        and any(w in lexicon.speaker_nouns for w in role)
        and not any(names_an_organisation(w, lexicon) for w in role)
        and looks_like_name(name)
    ):
        return name
    return phrase
