/* lazy: libcurl, libxml2 and libzip, loaded when first needed.
 *
 * Linked into the program, those three libraries and the thirty others
 * they pull in (libcurl alone brings LDAP, Kerberos, SSH, RTMP, HTTP/2)
 * were loaded and bound at every start: some 12 ms of a command that
 * takes 40-50 ms, such as a poll with nothing new or `status`, which use
 * none of them.  They are loaded with dlopen instead, at the first use:
 * the SMTP and OAuth 2.0 code asks for libcurl, HTML and forms for
 * libxml2 and libzip.  Each caller calls lazy_curl(), lazy_xml() or
 * lazy_zip() first and, when it succeeds, calls the library through the
 * sym_ pointers below (sym_curl_easy_init for curl_easy_init): the
 * functions' own types, so the compiler checks every call as before.
 *
 * The sonames are those of the Debian 12 packages `make deps` installs
 * (libcurl3-gnutls, libxml2, libzip4); a system without one gets a clear
 * error where the library is needed, never a crash. */
#ifndef ROBOT_LAZY_H
#define ROBOT_LAZY_H

#include <stddef.h>

#include <curl/curl.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <zip.h>

#define LAZY_CURL_SO	"libcurl-gnutls.so.4"
#define LAZY_XML_SO	"libxml2.so.2"
#define LAZY_ZIP_SO	"libzip.so.4"

/* The functions the robot calls, library by library. */
#define LAZY_CURL_FUNCTIONS(X)						\
	X(curl_easy_cleanup) X(curl_easy_escape) X(curl_easy_getinfo)	\
	X(curl_easy_init) X(curl_easy_perform) X(curl_easy_reset)	\
	X(curl_easy_setopt) X(curl_easy_strerror) X(curl_free)		\
	X(curl_global_init) X(curl_slist_append) X(curl_slist_free_all)	\
	X(curl_url) X(curl_url_cleanup) X(curl_url_get) X(curl_url_set)
#define LAZY_XML_FUNCTIONS(X)						\
	X(htmlReadMemory) X(xmlDocGetRootElement) X(xmlFreeDoc)	\
	X(xmlFreeTextReader) X(xmlGetProp) X(xmlInitParser)		\
	X(xmlReadMemory) X(xmlReaderForIO)				\
	X(xmlTextReaderConstLocalName) X(xmlTextReaderConstValue)	\
	X(xmlTextReaderGetAttribute) X(xmlTextReaderGetAttributeNs)	\
	X(xmlTextReaderIsEmptyElement) X(xmlTextReaderNext)		\
	X(xmlTextReaderNodeType) X(xmlTextReaderRead)			\
	X(xmlTextReaderSetErrorHandler)
#define LAZY_ZIP_FUNCTIONS(X)						\
	X(zip_discard) X(zip_error_fini) X(zip_error_init)		\
	X(zip_error_strerror) X(zip_fclose) X(zip_file_strerror)	\
	X(zip_fopen) X(zip_fread) X(zip_name_locate)			\
	X(zip_open_from_source) X(zip_source_buffer_create)		\
	X(zip_source_free) X(zip_stat) X(zip_stat_init) X(zip_strerror)

#define LAZY_DECLARE(f)	extern __typeof__(f) *sym_##f;
LAZY_CURL_FUNCTIONS(LAZY_DECLARE)
LAZY_XML_FUNCTIONS(LAZY_DECLARE)
LAZY_ZIP_FUNCTIONS(LAZY_DECLARE)
#undef LAZY_DECLARE

/* libxml2's xmlFree is a variable holding the function (free, unless a
 * program sets another, which the robot does not): its value, read at
 * the load. */
extern xmlFreeFunc sym_xmlFree;

/* Each loads its library once per process, whichever thread comes first
 * (lazy_curl also runs curl_global_init, lazy_xml xmlInitParser, which
 * libxml2 wants before two threads use it).  0, or -1 with why in err,
 * the same on every later call. */
int lazy_curl(char *err, size_t errlen);
int lazy_xml(char *err, size_t errlen);
int lazy_zip(char *err, size_t errlen);
/* libxml2 and libzip, which reading mail takes (HTML, forms): 0, or -1
 * with why and what for in err. */
int lazy_reading(char *err, size_t errlen);

#endif
