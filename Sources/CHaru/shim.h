#pragma once
#include <hpdf.h>

/* hpdf.h (built without HPDF_SHARED, as Debian ships it) includes libharu's object headers, so a
   page's current content stream and its resource dictionaries are reachable. erc uses that for
   three things libharu 2.3.0 has no call for:
   - one Resources dictionary shared by every page of a file (fonts and forms named once);
   - form XObjects drawn with libharu's own page operators (the page's stream is swapped for the
     form's while it is drawn), placed on a page with cm and Do;
   - operators written as they are, for a QR code as an inline image mask. */

/* A new indirect Resources dictionary with empty Font and XObject dictionaries. */
static inline HPDF_Dict erc_resources_new(HPDF_Doc doc) {
    HPDF_Dict resources = HPDF_Dict_New(doc->mmgr);
    if (!resources || HPDF_Xref_Add(doc->xref, resources) != HPDF_OK) return NULL;
    HPDF_Array procset = HPDF_Array_New(doc->mmgr);
    HPDF_Dict fonts = HPDF_Dict_New(doc->mmgr);
    HPDF_Dict xobjects = HPDF_Dict_New(doc->mmgr);
    if (!procset || !fonts || !xobjects) return NULL;
    HPDF_STATUS status = HPDF_Dict_Add(resources, "ProcSet", procset);
    status += HPDF_Array_AddName(procset, "PDF");
    status += HPDF_Array_AddName(procset, "Text");
    status += HPDF_Array_AddName(procset, "ImageB");
    status += HPDF_Dict_Add(resources, "Font", fonts);
    status += HPDF_Dict_Add(resources, "XObject", xobjects);
    return status == HPDF_OK ? resources : NULL;
}

/* Makes a new page use the shared resources: its own (still empty) dictionary is replaced, and
   the fonts and forms it names are looked up and registered in the shared ones. Its media box
   moves to the page tree's root, which every page inherits (all pages are A4 portrait). */
static inline HPDF_STATUS erc_page_use_resources(HPDF_Doc doc, HPDF_Page page, HPDF_Dict resources) {
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    HPDF_STATUS status = HPDF_Dict_Add(page, "Resources", resources);
    if (status != HPDF_OK) return status;
    HPDF_Array box = (HPDF_Array)HPDF_Dict_GetItem(page, "MediaBox", HPDF_OCLASS_ARRAY);
    if (box && box->list->count == 4 && doc->root_pages == attr->parent) {
        if (!HPDF_Dict_GetItem(doc->root_pages, "MediaBox", HPDF_OCLASS_ARRAY)) {
            HPDF_Array inherited = HPDF_Array_New(doc->mmgr);
            if (!inherited) return HPDF_Error_GetCode(doc->mmgr->error);
            for (HPDF_UINT i = 0; i < 4; i++) {
                HPDF_Real value = (HPDF_Real)HPDF_Array_GetItem(box, i, HPDF_OCLASS_REAL);
                status += HPDF_Array_AddReal(inherited, value ? value->value : 0);
            }
            status += HPDF_Dict_Add(doc->root_pages, "MediaBox", inherited);
        }
        status += HPDF_Dict_RemoveElement(page, "MediaBox");
        if (status != HPDF_OK) return status;
    }
    attr->fonts = (HPDF_Dict)HPDF_Dict_GetItem(resources, "Font", HPDF_OCLASS_DICT);
    attr->xobjects = (HPDF_Dict)HPDF_Dict_GetItem(resources, "XObject", HPDF_OCLASS_DICT);
    return attr->fonts && attr->xobjects ? HPDF_OK : HPDF_INVALID_OBJECT;
}

/* A new form XObject with the given bounding box and resources, compressed like the pages. */
static inline HPDF_Dict erc_form_new(
    HPDF_Doc doc, HPDF_Dict resources, HPDF_REAL left, HPDF_REAL bottom, HPDF_REAL right, HPDF_REAL top) {
    HPDF_Dict form = HPDF_DictStream_New(doc->mmgr, doc->xref);
    HPDF_Array box = HPDF_Array_New(doc->mmgr);
    if (!form || !box) return NULL;
    form->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
    if (doc->compression_mode & HPDF_COMP_TEXT) form->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    HPDF_STATUS status = HPDF_Dict_AddName(form, "Type", "XObject");
    status += HPDF_Dict_AddName(form, "Subtype", "Form");
    status += HPDF_Dict_Add(form, "BBox", box);
    status += HPDF_Array_AddReal(box, left);
    status += HPDF_Array_AddReal(box, bottom);
    status += HPDF_Array_AddReal(box, right);
    status += HPDF_Array_AddReal(box, top);
    status += HPDF_Dict_Add(form, "Resources", resources);
    return status == HPDF_OK ? form : NULL;
}

/* Points the page's drawing at `stream` (a form's) and returns the stream it drew into. */
static inline HPDF_Stream erc_page_swap_stream(HPDF_Page page, HPDF_Stream stream) {
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    HPDF_Stream previous = attr->stream;
    attr->stream = stream;
    return previous;
}

static inline HPDF_Stream erc_form_stream(HPDF_Dict form) { return form->stream; }

/* Writes content-stream operators as they are, between other operators: `in_text` says whether
   they belong inside the open text object (text operators) or outside any (an inline image). */
static inline HPDF_STATUS erc_page_write(HPDF_Page page, const void *bytes, HPDF_UINT length, int in_text) {
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    if (attr->gmode != (in_text ? HPDF_GMODE_TEXT_OBJECT : HPDF_GMODE_PAGE_DESCRIPTION))
        return HPDF_PAGE_INVALID_GMODE;
    return HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)bytes, length);
}

/* Tells libharu where the current text line starts, after erc moved it with its own operators,
   so that its next HPDF_Page_TextOut moves from there. */
static inline void erc_page_set_line_start(HPDF_Page page, HPDF_REAL x, HPDF_REAL y) {
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    attr->text_matrix.x = x;
    attr->text_matrix.y = y;
    attr->text_pos.x = x;
    attr->text_pos.y = y;
}
