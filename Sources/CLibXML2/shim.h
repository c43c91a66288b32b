#ifndef O365KIT_CLIBXML2_SHIM_H
#define O365KIT_CLIBXML2_SHIM_H

/* Debian's libxml2 is built with ICU, and its headers then pull in ICU headers whose
   UErrorCode clashes with the ICU copy inside Foundation. We never use libxml2's ICU
   encoding support, so drop the switch before any other libxml header sees it. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/relaxng.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlreader.h>

#endif
