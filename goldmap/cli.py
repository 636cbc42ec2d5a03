"""Run goldmap from the command line: ``goldmap layers|validate|map|export|locate|...``.

Each command is one library call. Errors a user can cause become a one-line message on
stderr and exit status 1, never a traceback; a usage error (unknown option, missing
argument) exits with status 2.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from goldmap._basemap_names import BASEMAP_NAMES
from goldmap.errors import GoldmapError
from goldmap.stats import ON_DUPLICATE

__all__ = ["cli", "main"]

F = TypeVar("F", bound=Callable[..., Any])


def _friendly(func: F) -> F:
    """Turn a GoldmapError into ``Error: <message>`` and exit status 1.

    A command's output file (``-o``) is checked before its work: an existing file without
    ``--overwrite``, or a missing folder, is refused at once, not after minutes of work.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            if kwargs.get("out") is not None and "overwrite" in kwargs:
                from goldmap.io._files import check_output

                check_output(kwargs["out"], overwrite=bool(kwargs["overwrite"]))
            return func(*args, **kwargs)
        except GoldmapError as err:
            raise click.ClickException(str(err)) from err

    return wrapper  # type: ignore[return-value]


def _done(message: str) -> None:
    """Say what was written (on standard error), unless ``goldmap -q`` asked for errors only."""
    context = click.get_current_context(silent=True)
    if context is None or not context.meta.get("goldmap.quiet"):
        click.echo(message, err=True)


def output_option(help: str, *, required: bool = True) -> Callable[[F], F]:
    """Return the shared ``-o/--output`` option, with the command's own help text."""
    return click.option(
        "-o", "--output", "out", required=required, type=click.Path(dir_okay=False), help=help
    )


def overwrite_option(func: F) -> F:
    """Add the shared ``--overwrite`` flag."""
    return click.option("--overwrite", is_flag=True, help="Replace the output file if it exists.")(
        func
    )


def corrections_option(func: F) -> F:
    """Add the shared ``--corrections PATH`` option (better key-mine coordinates)."""
    return click.option(
        "--corrections",
        type=click.Path(dir_okay=False),
        default=None,
        help="Your better key-mine coordinates (CSV, XLSX or GeoJSON with id, lon, lat, "
        "location_precision, source_url, source_quote); start from `goldmap corrections "
        "template`.",
    )(func)


def db_option(help: str) -> Callable[[F], F]:
    """Return the shared ``--db URL`` option (a PostGIS database), with the command's help."""
    return click.option(
        "--db",
        default=None,
        metavar="URL",
        help=f"PostGIS database, postgresql://USER:PASSWORD@HOST:PORT/DATABASE. {help}",
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="goldmap")
@click.option("-v", "--verbose", count=True, help="More log output (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Goldmap: layers of China's gold-industry plan 2025-2027, on official boundaries."""
    ctx.meta["goldmap.quiet"] = quiet
    level = logging.ERROR if quiet else max(logging.DEBUG, logging.WARNING - 10 * verbose)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@cli.command("layers")
@_friendly
def layers_command() -> None:
    """List the layers goldmap ships, with their feature counts."""
    from goldmap.catalog import describe_layers, load

    table = describe_layers()
    width = max(len(n) for n in table["name"])
    for row in table.itertuples():
        count = len(load(str(row.name)))
        click.echo(f"{row.name:<{width}}  {count:>5}  {row.title_en} / {row.title_zh}")


@cli.command("validate")
@corrections_option
@_friendly
def validate_command(corrections: str | None) -> None:
    """Check every layer: schema, geometry, sources, nesting, the plan's counts."""
    from goldmap.validate import validate_data

    problems = validate_data(corrections=corrections)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    click.echo("All layers valid.")


def _write_or_print(frame: Any, out: str | None, *, overwrite: bool, name: str) -> None:
    """Write a result with goldmap.export (format from the extension), or print it as CSV."""
    if out is None:
        table = frame.drop(columns=frame.geometry.name) if hasattr(frame, "geometry") else frame
        click.echo(table.to_csv(index=False), nl=False)
        return
    from goldmap.io.write import export

    export({name: frame}, out, overwrite=overwrite)
    _done(f"wrote {out}")


@cli.command("companies")
@output_option(
    "CSV, XLSX or JSON file (format from the extension). Default: a table on stdout.",
    required=False,
)
@corrections_option
@overwrite_option
@_friendly
def companies_command(out: str | None, corrections: str | None, overwrite: bool) -> None:
    """List the companies that hold, own or list the key mines, with their mines and areas."""
    from goldmap.exposure import companies, write_companies
    from goldmap.loading import load

    mines = load("key_mines", corrections=corrections) if corrections else None
    table = companies(mines=mines)
    if out is None:
        click.echo(_company_lines(table))
        return
    written = write_companies(table, out, overwrite=overwrite)
    _done(f"wrote {written}")


def _company_lines(table: Any) -> str:
    """Return the companies as a plain text table: name, listings, mines, t Au."""
    lines = []
    for row in table.itertuples():
        name = row.name_zh if isinstance(row.name_zh, str) else row.name_en
        tickers = ", ".join(row.tickers) or "-"
        resources = (
            "?"
            if row.resources_t is None or row.resources_t != row.resources_t
            else (f"{row.resources_t:g} t")
        )
        lines.append(
            f"{name}\t{tickers}\t{row.n_mines} mines: {', '.join(row.mines_zh)}\t"
            f"resources {resources} ({row.resources_unknown} unknown)"
        )
    return "\n".join(lines)


@cli.command("join")
@click.argument("table", type=click.Path(dir_okay=False))
@output_option(
    "Output file; format from the extension (.geojson, .gpkg, .csv ...). Default: CSV to stdout.",
    required=False,
)
@click.option("--province-col", default=None, help="Column naming provinces (detected if omitted).")
@click.option(
    "--on-duplicate",
    type=click.Choice(ON_DUPLICATE),
    default="error",
    show_default=True,
    help="Several rows naming one province: refuse, keep the first or last, sum or average.",
)
@overwrite_option
@_friendly
def join_command(
    table: str, out: str | None, province_col: str | None, on_duplicate: str, overwrite: bool
) -> None:
    """Join a statistics TABLE (CSV/XLSX, any province spelling) to the province polygons."""
    from goldmap.stats import join_stats

    joined = join_stats(table, province_col, on_duplicate=on_duplicate)
    report = joined.attrs["join_report"]
    click.echo(str(report), err=True)
    for row in report.unmatched.itertuples():
        closest = f" (closest: {row.suggestions})" if row.suggestions else ""
        click.echo(f"  row {row.row}: {row.value!r} not matched{closest}", err=True)
    for row in report.duplicated.itertuples():
        click.echo(f"  row {row.row}: {row.value!r} is {row.province}: {row.outcome}", err=True)
    for row in report.unreadable.itertuples():
        click.echo(
            f"  row {row.row} ({row.province}): {row.column!r} = {row.value!r} is not a number",
            err=True,
        )
    _write_or_print(joined, out, overwrite=overwrite, name="joined")


@cli.command("locate")
@click.argument("features", type=click.Path(dir_okay=False))
@output_option(
    "Output file; format from the extension. Default: CSV to stdout.",
    required=False,
)
@click.option("--lon", default=None, help="Longitude column of a table (detected if omitted).")
@click.option("--lat", default=None, help="Latitude column of a table (detected if omitted).")
@click.option("--layer", default=None, help="Layer of a GeoPackage / shapefile in a zip.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@db_option("FEATURES is then a table or a SELECT query in it.")
@click.option(
    "--to-table", default=None, help="Write the answer to this table of the --db database."
)
@corrections_option
@overwrite_option
@_friendly
def locate_command(  # noqa: PLR0913 (one option per choice the user makes)
    features: str,
    out: str | None,
    lon: str | None,
    lat: str | None,
    layer: str | None,
    lang: str,
    db: str | None,
    to_table: str | None,
    corrections: str | None,
    overwrite: bool,
) -> None:
    """Locate FEATURES: province, county, plan areas, nearest key mine and its distance.

    FEATURES is a file, or with --db a PostGIS table or SELECT query. The answer keeps
    your columns first; a one-line summary (how many in China, outside it, in plan areas)
    goes to standard error unless -q.
    """
    from goldmap.loading import load
    from goldmap.spatial import locate, summarize_located

    options: dict[str, Any] = {"lon": lon, "lat": lat, "layer": layer, "lang": lang, "db": db}
    _check_to_table(to_table, db)
    # Corrections are checked (and the mines built) before the features are read.
    mines = None if corrections is None else load("key_mines", corrections=corrections)
    located = locate(features, mines=mines, **options)
    _done(summarize_located(located, lang=lang))
    if to_table is not None:
        _write_table(located, to_table, db, overwrite=overwrite)
        if out is None:
            return
    _write_or_print(located, out, overwrite=overwrite, name="located")


@cli.command("map")
@output_option("HTML file.")
@click.option(
    "--layer",
    "layers",
    multiple=True,
    help="Layer to draw (repeatable); default exploration_areas, development_areas, key_mines.",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option(
    "--basemap",
    type=click.Choice(BASEMAP_NAMES),
    default="none",
    show_default=True,
    help="Tiles under the layers; 'none' works offline. tianditu-* need TIANDITU_KEY (the "
    "page then carries it in its tile URLs); on gaode* the layers are shown shifted to GCJ-02.",
)
@click.option("--province", "provinces", multiple=True, help="Keep features in this province.")
@click.option("--commodity", "commodities", multiple=True, help="Keep features with it (gold...).")
@click.option(
    "--company",
    "companies",
    multiple=True,
    help="Keep the key mines of this company: a name (山东黄金, Zijin) or ticker (600547).",
)
@click.option(
    "--color-by",
    type=click.Choice(["status", "owner"]),
    default=None,
    help="Colour the key mines by status or owner group (the listed company), with a legend.",
)
@corrections_option
@overwrite_option
@_friendly
def map_command(  # noqa: PLR0913 (one argument per command-line option)
    out: str,
    layers: tuple[str, ...],
    lang: str,
    basemap: str,
    provinces: tuple[str, ...],
    commodities: tuple[str, ...],
    companies: tuple[str, ...],
    color_by: str | None,
    corrections: str | None,
    overwrite: bool,
) -> None:
    """Write an interactive map as one self-contained HTML file that opens offline."""
    from goldmap.maps import DEFAULT_LAYERS, make_map, to_html

    drawn: Any = list(layers) or None
    if corrections is not None:
        drawn = _corrected_layers(drawn or DEFAULT_LAYERS, corrections)
    m = make_map(
        drawn,
        lang=lang,
        basemap=basemap,
        provinces=list(provinces) or None,
        commodities=list(commodities) or None,
        company=list(companies) or None,
        color_by=color_by,
    )
    page = to_html(m, out, overwrite=overwrite)
    _done(f"wrote {out} ({len(page.encode('utf-8')):,} bytes)")


def _corrected_layers(names: Sequence[str], corrections: str) -> dict[str, Any]:
    """Load ``names``, the key mines through ``load(..., corrections=)`` (the one door)."""
    from goldmap.errors import CorrectionError
    from goldmap.loading import load

    if "key_mines" not in names:
        raise CorrectionError(
            f"Corrections apply to the key mines, which are not among the layers "
            f"{', '.join(map(repr, names))}. Add the layer key_mines, or leave out the "
            "corrections file."
        )
    return {n: load(n, corrections=corrections if n == "key_mines" else None) for n in names}


@cli.command("export")
@click.argument("layers", nargs=-1)
@click.option(
    "-f",
    "--format",
    "fmt",
    default=None,
    help="geojson, gpkg, shp, kml, kmz, fgb, parquet, csv, qgs, qgz, or postgis (with --db). "
    "Default: from the output's extension.",
)
@output_option(
    "Output file. Several layers in a one-layer format (geojson, fgb, parquet, csv): "
    "a .zip path; Shapefiles: .shp.zip; a QGIS project x.qgz gets its data in x_data.gpkg "
    "beside it.",
    required=False,
)
@db_option("With --format postgis: one table per layer, spatial index, SRID 4326.")
@corrections_option
@overwrite_option
@_friendly
def export_command(
    layers: tuple[str, ...],
    fmt: str | None,
    out: str | None,
    db: str | None,
    corrections: str | None,
    overwrite: bool,
) -> None:
    """Export LAYERS (default: the plan layers) to a GIS file, Google Earth, QGIS or PostGIS."""
    from goldmap.io.write import DEFAULT_LAYERS, export

    chosen: Any = list(layers) or None
    if corrections is not None:
        chosen = _corrected_layers(chosen or DEFAULT_LAYERS, corrections)
    if _is_postgis_export(fmt, db, out):
        _export_postgis(chosen, db, overwrite=overwrite)
        return
    if out is None:
        raise click.UsageError("Missing option '-o' / '--output'.")
    written = export(chosen, out, format=fmt, overwrite=overwrite)
    _done(f"wrote {written}")


@cli.command("figure")
@output_option(
    "PNG, PDF or SVG file (format from the extension).",
)
@click.option("--area", default=None, help="Plan area id, e.g. dev-shandong-laizhou-zhaoyuan.")
@click.option("--province", default=None, help="Province, any spelling (山东, Shandong, 370000).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--dpi", type=int, default=200, show_default=True, help="10 in wide: 200 = 2000 px.")
@click.option(
    "--color-by",
    type=click.Choice(["status", "owner"]),
    default=None,
    help="Colour the key mines by status (producing, under construction ...) or owner group "
    "(the listed company), with a legend.",
)
@click.option(
    "--progress",
    "show_progress",
    is_flag=True,
    help="Draw the plan's 2027 targets against the latest sourced figures instead of a map.",
)
@overwrite_option
@_friendly
def figure_command(
    out: str,
    area: str | None,
    province: str | None,
    lang: str,
    dpi: int,
    color_by: str | None,
    show_progress: bool,
    overwrite: bool,
) -> None:
    """Draw a static map for reports (all China with the South China Sea inset, or one area)."""
    from goldmap.maps.static import figure, save_figure

    if show_progress:
        from goldmap.maps.progress_chart import progress_figure

        fig = progress_figure(lang=lang, dpi=dpi, area=area, province=province)
    else:
        fig = figure(area=area, province=province, lang=lang, dpi=dpi, color_by=color_by)
    written = save_figure(fig, out, overwrite=overwrite)
    _done(f"wrote {written}")


@cli.command("progress")
@output_option(
    "CSV (UTF-8, opens in Excel) or JSON file with every column. Default: a table on stdout.",
    required=False,
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@overwrite_option
@_friendly
def progress_command(out: str | None, lang: str, overwrite: bool) -> None:
    """Measure the plan's 2027 targets against the latest sourced figures."""
    from goldmap.tracking import progress, save_progress

    if out is not None:
        written = save_progress(out, overwrite=overwrite)
        _done(f"wrote {written}")
        return
    from goldmap._progress_text import progress_lines

    for line in progress_lines(progress(), lang):
        click.echo(line)


@cli.group("corrections")
def corrections_group() -> None:
    """Your better key-mine coordinates: write a template to edit, then pass --corrections."""


@corrections_group.command("template")
@output_option(
    "CSV (UTF-8, opens in Excel) or XLSX file.",
)
@overwrite_option
@_friendly
def corrections_template_command(out: str, overwrite: bool) -> None:
    """Write every key mine's id, point and precision, to edit and pass as --corrections."""
    from goldmap.corrections import write_template

    written = write_template(out, overwrite=overwrite)
    _done(f"wrote {written}")


@cli.command("schema")
@click.argument("layer")
@_friendly
def schema_command(layer: str) -> None:
    """Print the JSON Schema of LAYER's feature properties (key_mines, exploration_areas ...)."""
    import json

    from goldmap.schema import schema

    click.echo(json.dumps(schema(layer), ensure_ascii=False, indent=2))


# --------------------------------------------------------------------------------------------
# A team's GIS stack: PostGIS in and out, the OGC API - Features service
# --------------------------------------------------------------------------------------------


def _is_postgis_export(fmt: str | None, db: str | None, out: str | None) -> bool:
    """Tell whether ``export`` writes to PostGIS, refusing the mixes that make no sense."""
    if fmt is not None and fmt.lower() == "postgis":
        if db is None:
            raise click.UsageError("--format postgis needs --db postgresql://USER@HOST/DATABASE.")
        if out is not None:
            raise click.UsageError("--format postgis writes to --db; leave out -o.")
        return True
    if db is not None:
        raise click.UsageError("--db goes with --format postgis (or goldmap locate/serve).")
    return False


def _export_postgis(chosen: Any, db: Any, *, overwrite: bool) -> None:
    from goldmap.io.postgis import export_postgis

    tables = export_postgis(chosen, db, overwrite=overwrite)
    _done(f"wrote tables {', '.join(tables)}")


def _check_to_table(to_table: str | None, db: str | None) -> None:
    if to_table is not None and db is None:
        raise click.UsageError("--to-table writes into the --db database: give --db too.")


def _write_table(frame: Any, table: str, db: Any, *, overwrite: bool) -> None:
    from goldmap.io.postgis import export_postgis

    export_postgis({table: frame}, db, overwrite=overwrite)
    _done(f"wrote table {table} ({len(frame)} rows)")


@cli.command("serve")
@click.argument("layers", nargs=-1)
@click.option(
    "--gpkg",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="Serve the layers of this GeoPackage (a goldmap export) instead of the packaged data.",
)
@db_option("Serve its tables (a goldmap export) instead of the packaged data.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 opens the service to your network.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@corrections_option
@_friendly
def serve_command(
    layers: tuple[str, ...],
    gpkg: str | None,
    db: str | None,
    host: str,
    port: int,
    corrections: str | None,
) -> None:
    """Serve LAYERS (default: the plan layers) as OGC API - Features, for QGIS, ArcGIS, GDAL.

    Stop it with Ctrl+C.
    """
    from goldmap.serve import serve

    serve(list(layers) or None, gpkg=gpkg, db=db, host=host, port=port, corrections=corrections)


def main() -> None:
    """Run the CLI (the ``goldmap`` console script)."""
    cli(prog_name="goldmap")


if __name__ == "__main__":  # pragma: no cover
    main()
