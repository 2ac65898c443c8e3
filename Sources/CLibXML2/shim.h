#pragma once
// libxml2 2.9.14 pulls in the system ICU headers, which clash with Foundation's ICU.
// Read the version header first and switch the ICU part off before the rest.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>
