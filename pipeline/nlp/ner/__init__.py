"""The project's news NER: trained on CoNLL-2003 on top of spaCy's small English model.

``convert`` turns CoNLL-2003 into spaCy training documents shaped exactly as the pipeline
sees news at run time (normalised text, casing view), with CoNLL's four types refined into
the OntoNotes labels the records use; ``train`` runs ``spacy train`` on them with the config
next to this file; ``model/`` is the shipped result (see its README.md, the model card).
"""
