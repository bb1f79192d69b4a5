"""The ``newswire`` command line: the top layer, above the Faust app (``agents``) and the
pure pipeline code (``pipeline``)."""
