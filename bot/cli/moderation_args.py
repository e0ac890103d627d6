"""The moderators' subcommands and their options, for the parser: nothing here reads the data,
so `python -m bot ask` builds its parser without loading the store."""
from __future__ import annotations


def add_parsers(sub, common) -> None:
    r = sub.add_parser("record", parents=[common], help="add, edit, remove, show records (moderators)")
    rs = r.add_subparsers(dest="action", required=True)
    for name, helptext in (("add", "add the record in --file"), ("edit", "replace record ID with --file")):
        p = rs.add_parser(name, parents=[common], help=helptext)
        if name == "edit":
            p.add_argument("id", help="the record's id")
            p.add_argument("--base", help="the revision you edited (refused if the record changed since)")
        p.add_argument("--file", required=True, help="YAML file holding one record (a mapping or a one-item list)")
        confirm_args(p)
    p = rs.add_parser("remove", parents=[common], help="remove record ID")
    p.add_argument("id", help="the record's id")
    confirm_args(p)
    p = rs.add_parser("show", parents=[common], help="print record ID with its revision")
    p.add_argument("id", help="the record's id")
    a = sub.add_parser("actor", parents=[common], help="add actors and aliases (moderators)")
    acts = a.add_subparsers(dest="action", required=True)
    p = acts.add_parser("add", parents=[common], help="add the actor in --file (id, name, kind, parent, flag, aliases)")
    p.add_argument("--file", required=True, help="YAML file holding one actor (a mapping)")
    confirm_args(p)
    p = acts.add_parser("alias", parents=[common], help="give actor ID another name")
    p.add_argument("id", help="the actor's id")
    p.add_argument("alias", help="the other name")
    confirm_args(p)
    for name, helptext in (("history", "who changed record ID, when and why, newest first, with diffs"),
                           ("undo", "revert the last change to record ID")):
        p = sub.add_parser(name, parents=[common], help=helptext + " (--actor: of actor ID)")
        p.add_argument("id", help="the record's id (with --actor, the actor's)")
        p.add_argument("--actor", action="store_true", help="ID is an actor, not a record")
        if name == "undo":
            confirm_args(p, preview=False)
    p = sub.add_parser("export", parents=[common], help="write every record to one YAML file")
    p.add_argument("--out", help="file to write (default: standard output)")
    p = sub.add_parser("import", parents=[common], help="replace the records with a YAML file, after a preview")
    p.add_argument("file", help="a YAML list of records, as export writes it")
    p.add_argument("--allow-removals", action="store_true",
                   help="let the import remove most (or all) of the records; refused without it")
    confirm_args(p)


def confirm_args(p, preview: bool = True) -> None:
    p.add_argument("--reason", default="", help="why (kept in the history)")
    if preview:
        p.add_argument("--yes", action="store_true", help="save without asking")
