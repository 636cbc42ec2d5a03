"""What the "Your data" tab says about uploads: the uploader's words, a large file's caps, notes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from goldmap.app._jobs import LocatedUpload
from goldmap.app.text import md_escape, tr
from goldmap.io import MAX_UPLOAD_MB
from goldmap.text import value_label

__all__ = ["capped_notice", "notes_notice", "read_notes_notice", "uploader_words"]


def uploader_words(lang: str) -> None:
    """Give Streamlit's uploaders goldmap's words for their button and size limit.

    Streamlit writes "Upload" and "50MB per file" in English whatever the page's language
    (it has no setting for them); in Chinese the page's style hides those words and shows
    the table's own in their place. The drop hint shown while a file is dragged over stays
    Streamlit's.
    """
    if lang == "en":
        return
    limit = tr("uploader_limit", lang).format(limit=f"{MAX_UPLOAD_MB:g}")
    button = tr("uploader_button", lang)
    zone = '[data-testid="stFileUploaderDropzone"]'
    notes = '[data-testid="stFileUploaderDropzoneInstructions"]'
    upload = f"{zone} [data-testid='stBaseButton-secondary']"  # not a file's delete button
    st.html(
        f"<style>{notes} *, {upload} * {{font-size: 0 !important}}"
        f'{notes}::after {{content: "{limit}"; font-size: 0.875rem}}'
        f'{upload}::after {{content: "{button}"; font-size: 0.875rem; white-space: nowrap}}'
        "</style>"
    )


def capped_notice(upload: LocatedUpload, lang: str) -> None:
    """Say what of a large upload the map and the table show, and count it all by place."""
    if not upload.capped:
        return
    said = []
    if upload.step > 1:
        said.append(
            tr("capped_map", lang).format(
                drawn=len(upload.drawn), rows=upload.rows, step=upload.step
            )
        )
    if upload.rows > len(upload.table):
        said.append(tr("capped_table", lang).format(table=len(upload.table), rows=upload.rows))
    said.append(tr("capped_download", lang).format(rows=upload.rows))
    st.info(" ".join(said))
    st.caption(tr("upload_summary", lang))
    summary = pd.DataFrame(
        {
            tr("summary_kind", lang): [tr(f"summary_{k}", lang) for k in upload.summary["kind"]],
            tr("summary_name", lang): upload.summary["name"].astype(str),
            tr("summary_features", lang): upload.summary["features"],
        }
    )
    st.dataframe(summary, hide_index=True, width="stretch")


def note_text(note: str, lang: str) -> str:
    """Return a reader's note in ``lang``: from the words table by its kind and fields.

    A note without a kind (a plain string), or whose fields do not fill the words, is shown
    as the library wrote it (English).
    """
    kind = getattr(note, "kind", None)
    if kind is None:
        return str(note)
    try:
        return tr(f"note_{kind}", lang).format(**getattr(note, "fields", {}))
    except (KeyError, IndexError, ValueError):
        return str(note)


def read_notes_notice(notes: list[str], lang: str) -> None:
    """Say what the reader noted about a file (nothing when it noted nothing), in ``lang``.

    The file's own text in the notes (its name, its sheets', columns' and placemarks'
    names) is escaped.
    """
    lines = [f"- {md_escape(note_text(note, lang))}" for note in notes]
    if lines:
        st.warning("\n".join([tr("read_notes", lang), *lines]))


def notes_notice(upload: LocatedUpload, lang: str) -> None:
    """Say what the reader noted about a located file, and which features' input looks wrong.

    Shown under the upload's summary line, in ``lang``: the reader's notes
    (:func:`read_notes_notice`), then how many features of the whole file have each
    ``location_note`` that says their input is wrong (swapped, not finite ...).
    """
    read_notes_notice(upload.notes, lang)
    rows = [
        "- "
        + md_escape(
            tr("row_note", lang).format(
                count=f"{count:,}", note=value_label("location_note", note, lang)
            )
        )
        for note, count in upload.row_notes.items()
    ]
    if rows:
        st.warning("\n".join([tr("row_notes", lang), *rows]))
