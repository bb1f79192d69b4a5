"""`newswire train ner`: reproduce the shipped news NER from CoNLL-2003 (see pipeline/nlp/ner)."""

from __future__ import annotations

import argparse
from pathlib import Path

from newswire.cli.common import err as _err


def cmd_train_ner(args: argparse.Namespace) -> int:
    from pipeline.nlp.ner.conll import ConllFormatError
    from pipeline.nlp.ner.train import MODEL_DIR, REHEARSAL_RATIO, train_ner

    try:
        figures = train_ner(Path(args.conll), output=Path(args.output) if args.output else MODEL_DIR,
                            workdir=Path(args.workdir) if args.workdir else None,
                            dev=Path(args.dev) if args.dev else None, seed=args.seed, max_steps=args.max_steps,
                            rehearsal=Path(args.rehearsal) if args.rehearsal else None,
                            rehearsal_ratio=REHEARSAL_RATIO if args.rehearsal_ratio is None else args.rehearsal_ratio,
                            log=_err)
    except (FileNotFoundError, ConllFormatError) as exc:
        _err(f"newswire train ner: {exc}")
        return 2
    per_type = figures.get("dev_ents_per_type") or {}
    _err("dev F1 by label: " + ", ".join(f"{k} {v['f']:.3f}" for k, v in sorted(per_type.items())))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser("train", help="train the project's models from their corpora")
    models = t.add_subparsers(dest="model", required=True)
    n = models.add_parser("ner", help="the news NER from CoNLL-2003 (eng.train; tuned on eng.testa)")
    n.add_argument("--conll", required=True, metavar="PATH",
                   help="CoNLL-2003 folder holding eng.train and eng.testa, or the training file itself")
    n.add_argument("--dev", metavar="FILE", help="development file (default: eng.testa next to the training file)")
    n.add_argument("--output", metavar="DIR", help="where the model goes (default: the package's pipeline/nlp/ner/model)")
    n.add_argument("--workdir", metavar="DIR", help="converted corpora and checkpoints (default: a new temporary folder)")
    n.add_argument("--rehearsal", metavar="DIR",
                   help="folder of .txt news stories tagged by the small model and mixed in (default: "
                        "polnear/train/text beside the CoNLL folder)")
    n.add_argument("--rehearsal-ratio", type=float, metavar="R",
                   help="rehearsal words per CoNLL word (default: the shipped model's; 0 = CoNLL alone)")
    n.add_argument("--seed", type=int, help="random seed (default: the config's)")
    n.add_argument("--max-steps", type=int, help="training steps (default: the config's)")
    n.set_defaults(fn=cmd_train_ner)
