from pipeline.normalise.language import detect_language

EN = ("The government said on Tuesday that it would review the decision, and officials added that the "
      "talks with the union were expected to continue for at least another week before a vote was held.")
DE = ("Die Regierung teilte am Dienstag mit, dass sie die Entscheidung überprüfen werde. Die Gespräche "
      "mit der Gewerkschaft sollen mindestens eine weitere Woche dauern, bevor abgestimmt wird.")
FR = ("Le gouvernement a annoncé mardi qu'il allait réexaminer la décision, et les responsables ont ajouté "
      "que les discussions avec le syndicat devraient se poursuivre pendant au moins une semaine.")


def test_languages():
    assert detect_language(EN) == "en"
    assert detect_language(DE) == "de"
    assert detect_language(FR) == "fr"
    assert detect_language("12 34 -- !!") is None
