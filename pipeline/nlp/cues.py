"""Reporting verbs and the nouns speakers are referred to by."""

from __future__ import annotations

_REGULAR = """add acknowledge admit advise announce argue assert boast caution claim comment complain concede
confirm contend declare deny describe emphasize emphasise estimate explain insist joke maintain
mention note observe point pledge predict promise recall remark repeat reply report respond reveal shout
state stress suggest testify tweet urge vow warn whisper ask quip retort counter agree allege answer
conclude disclose continue demand""".split()
_IRREGULAR = {
    "say": ["say", "says", "said", "saying"],
    "tell": ["tell", "tells", "told", "telling"],
    "write": ["write", "writes", "wrote", "written", "writing"],
    "tweet": ["tweet", "tweets", "tweeted", "tweeting"],
    "quote": ["quote", "quotes", "quoted", "quoting"],
    "reply": ["reply", "replies", "replied", "replying"],
    "deny": ["deny", "denies", "denied", "denying"],
    "testify": ["testify", "testifies", "testified", "testifying"],
    "admit": ["admit", "admits", "admitted", "admitting"],
}


def _forms(verb: str) -> list[str]:
    stem = verb[:-1] if verb.endswith("e") else verb
    third = verb + ("es" if verb.endswith(("sh", "ch", "s", "x")) else "s")
    past = verb + "d" if verb.endswith("e") else verb + "ed"
    return [verb, third, past, stem + "ing"]


SPEECH_FORMS: dict[str, str] = {}
for _verb in _REGULAR:
    for _form in _forms(_verb):
        SPEECH_FORMS[_form] = _verb
for _verb, _list in _IRREGULAR.items():
    for _form in _list:
        SPEECH_FORMS[_form] = _verb

PRONOUNS_PERSON = {"he", "she", "him", "her", "i", "we"}
PRONOUNS_GROUP = {"they", "it", "we"}
ROLE_NOUNS = {
    "official", "officials", "spokesman", "spokeswoman", "spokesperson", "minister", "president", "leader",
    "chairman", "chairwoman", "executive", "source", "sources", "aide", "adviser", "advisor", "senator",
    "governor", "general", "commander", "analyst", "lawyer", "attorney", "director", "secretary",
    "candidate", "nominee", "man", "woman", "chief", "diplomat", "mayor", "premier", "ambassador",
    "representative", "congressman", "congresswoman", "politician", "economist", "expert", "manager",
    "founder", "businessman", "billionaire", "veteran", "activist", "coach", "player", "captain",
}
INSTITUTION_NOUNS = {
    "newspaper", "agency", "company", "ministry", "government", "group", "campaign", "committee",
    "magazine", "paper", "network", "outlet", "report", "statement", "department", "office", "firm",
    "bank", "party", "administration", "council", "court", "website", "organization", "organisation",
}


# Verbs that characterise rather than report: 'called Trump a "pathological liar"', 'condemned
# what he called a "brazen breach"'. A quotation inside their object is the speaker's words,
# and the whole characterisation is the quote (PolNeAR annotates it that way).
_CHARACTERISING = """call describe label brand dub blast condemn term rate rule cite criticize criticise
praise slam deride dismiss hail accuse""".split()
CHARACTERISING_FORMS: set[str] = {
    *(form for verb in _CHARACTERISING for form in _forms(verb)),
    "dubbed", "dubbing", "slammed", "slamming",
}
