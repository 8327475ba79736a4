"""`photosift models`: the recommended models, what each costs, and which are ready offline."""

from __future__ import annotations

import argparse

from photosift.cli.common import add_db_option, add_json_option, print_json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "models",
        help="list recommended models and which are downloaded",
        description="List the recommended models (use one with --model SPEC) and show which are "
        "already in the model cache, so they work offline.",
    )
    add_db_option(parser)
    add_json_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from photosift.core.model.fetch import catalog_listing

    listing = catalog_listing()
    if args.json:
        print_json(listing)
        return 0
    rows = [("SPEC", "PARAMS", "DOWNLOAD", "CACHED", "GOOD FOR")]
    for model in listing["models"]:
        mark = " (default)" if model["default"] else ""
        needs = f" [needs: {', '.join(model['missing'])}]" if model["missing"] else ""
        rows.append(
            (
                model["spec"],
                f"{model['params_m']}M",
                f"{model['download_mb']} MB",
                "yes" if model["cached"] else "no",
                f"{model['title']}{mark}: {model['good_for']}; ImageNet zero-shot "
                f"{model['imagenet_top1']}%{needs}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4])
    print()
    for engine in listing["engines"]:
        print(f"CPU engine for {engine['spec']}: {engine['summary']}")
    if listing["engines"]:
        print()
    print(f"Model cache: {listing['cache_dir']}")
    print("Use a model with --model SPEC; any open_clip ARCH/PRETRAINED, hf-hub:ORG/REPO or")
    print("local-dir:FOLDER (open_clip_config.json + open_clip_model.safetensors) works too.")
    return 0
