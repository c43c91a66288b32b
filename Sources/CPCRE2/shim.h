#ifndef O365KIT_CPCRE2_SHIM_H
#define O365KIT_CPCRE2_SHIM_H

/* Wazuh compiles pcre2 patterns with the 8-bit library; pick that width before the header. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#endif
