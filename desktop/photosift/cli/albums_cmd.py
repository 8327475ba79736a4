"""`photosift albums`: list, show and edit albums and saved searches (smart albums).

Albums hold photos by id (they survive moves and renames); a saved search holds a query, its
filters and cut-off and is re-run by `show`, so new photos appear in it. `export`/`import`
write and read them as JSON (photos by path), e.g. to move them to another library.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from photosift.cli.common import add_db_option, add_json_option, db_path, print_json
from photosift.cli.search_cmd import _add_common, export_if_asked, filters_from


def register(subparsers: argparse._SubParsersAction) -> None:
    albums = subparsers.add_parser(
        "albums",
        help="albums and saved searches",
        description="Albums (photos you chose) and saved searches (a query re-run when shown).",
    )
    add_db_option(albums)
    add_json_option(albums)
    albums.set_defaults(func=run_list)
    sub = albums.add_subparsers(dest="action", metavar="ACTION")

    def action(name: str, help_text: str, func, *names: str, searches: bool = False):
        """A subcommand; `searches` adds the search options (--db among them)."""
        parser = sub.add_parser(name, help=help_text, description=help_text)
        for arg in names:
            parser.add_argument(arg, metavar=arg.upper())
        if searches:
            _add_common(parser)
        else:
            add_db_option(parser)
        parser.set_defaults(func=func)
        return parser

    listing = action("list", "list albums and saved searches", run_list)
    add_json_option(listing)
    action(
        "show", "the photos of an album, or a saved search's current results", run_show, "name",
        searches=True,
    )  # fmt: skip
    action("create", "create an empty album", run_create, "name")
    add = action("add", "add photos (paths or #IDs) to an album", run_add, "name")
    add.add_argument("photos", nargs="+", metavar="PHOTO")
    remove = action(
        "remove", "take photos out of an album (they stay in the library)", run_remove, "name"
    )
    remove.add_argument("photos", nargs="+", metavar="PHOTO")
    order = action("order", "put these photos first, in this order", run_order, "name")
    order.add_argument("photos", nargs="+", metavar="PHOTO")
    move = action(
        "move",
        "move photos of an album as a block: one place earlier or later, or to the start or "
        "the end (the GUI's Move menu)",
        run_move,
        "name",
    )
    move.add_argument("photos", nargs="+", metavar="PHOTO")
    move.add_argument(
        "--to",
        required=True,
        choices=["start", "earlier", "later", "end"],
        help="where the photos go",
    )
    action("rename", "rename an album or saved search", run_rename, "name", "new_name")
    action("delete", "delete an album or saved search (never its photos)", run_delete, "name")
    save = action(
        "save-search", "save a search as a smart album", run_save_search, "name", searches=True
    )
    save.add_argument("query", nargs="+", metavar="QUERY", help="the query (quote it in the shell)")
    action("export", "write every album and saved search to a JSON file", run_export, "file")
    action("import", "read albums and saved searches from a JSON file", run_import, "file")


def _open(args: argparse.Namespace, create: bool = False):
    from photosift.service.library import PhotoLibrary

    return PhotoLibrary.open(db_path(args), create=create)


def run_list(args: argparse.Namespace) -> int:
    with _open(args) as library:
        albums = library.albums()
    if getattr(args, "json", False):
        print_json([
            {"name": a.name, "kind": a.kind.value, "photos": a.count,
             "query": a.search.query if a.search else None}
            for a in albums
        ])  # fmt: skip
        return 0
    for album in albums:
        what = f"search: {album.search.query}" if album.search else f"{album.count} photos"
        print(f"{album.name}\t{what}")
    if not albums:
        print("No albums yet: photosift albums create NAME", file=sys.stderr)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from photosift.core.library.model_choice import ModelUse
    from photosift.core.paths import display_path

    with _open(args) as library:
        album = library.store.album(args.name)
        engine = None
        if album.search is not None:
            model = library.load_model(args.model, ModelUse.QUERY, args.device).model
            engine = library.search_engine(model)
        photos = library.album_photos(album.name, engine)
        export_if_asked(library, photos, args)
    if args.format == "csv":
        from photosift.service.export import ListFormat, photo_list

        sys.stdout.write(photo_list(photos, ListFormat.CSV))
        return 0
    if args.json or args.format == "json":
        print_json({"name": album.name, "kind": album.kind.value,
                    "photos": [{"photo_id": p.id, "path": display_path(p.abspath)} for p in photos]})  # fmt: skip
        return 0
    for photo in photos:
        print(display_path(photo.abspath))
    return 0


def run_create(args: argparse.Namespace) -> int:
    with _open(args, create=True) as library:
        library.create_album(args.name)
    return 0


def _edit(args: argparse.Namespace, edit) -> int:
    with _open(args) as library:
        album = library.store.album(args.name)
        ids = [library.photo_id(photo) for photo in args.photos]
        edit(library.store, album.id, ids)
    return 0


def run_add(args: argparse.Namespace) -> int:
    return _edit(args, lambda store, album_id, ids: store.add_to_album(album_id, ids))


def run_remove(args: argparse.Namespace) -> int:
    return _edit(args, lambda store, album_id, ids: store.remove_from_album(album_id, ids))


def run_order(args: argparse.Namespace) -> int:
    return _edit(args, lambda store, album_id, ids: store.reorder_album(album_id, ids))


def run_move(args: argparse.Namespace) -> int:
    from photosift.core.library.album_records import AlbumMove

    with _open(args) as library:
        ids = [library.photo_id(photo) for photo in args.photos]
        library.move_in_album(args.name, ids, AlbumMove(args.to))
    return 0


def run_rename(args: argparse.Namespace) -> int:
    with _open(args) as library:
        library.store.rename_album(library.store.album(args.name).id, args.new_name)
    return 0


def run_delete(args: argparse.Namespace) -> int:
    with _open(args) as library:
        library.store.delete_album(library.store.album(args.name).id)
    return 0


def run_save_search(args: argparse.Namespace) -> int:
    with _open(args, create=True) as library:
        library.save_search(args.name, " ".join(args.query), filters_from(args), args.cutoff)
    return 0


def run_export(args: argparse.Namespace) -> int:
    with _open(args) as library:
        data = library.export_albums()
    Path(args.file).write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"Wrote {len(data['albums'])} albums to {args.file}.", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    from photosift.core.errors import QueryError

    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise QueryError(f"Cannot read {args.file}: {exc}.") from exc
    with _open(args, create=True) as library:
        done = library.import_albums(data)
    print(f"Created {len(done.created)}, added to {len(done.merged)}.", file=sys.stderr)
    for path in done.missing:
        print(f"photosift: not in the library: {path}", file=sys.stderr)
    return 0
