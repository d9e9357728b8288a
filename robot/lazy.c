/* lazy: libcurl, libxml2 and libzip loaded at their first use; see
 * lazy.h. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "lazy.h"

#define LAZY_DEFINE(f)	__typeof__(f) *sym_##f;
LAZY_CURL_FUNCTIONS(LAZY_DEFINE)
LAZY_XML_FUNCTIONS(LAZY_DEFINE)
LAZY_ZIP_FUNCTIONS(LAZY_DEFINE)
#undef LAZY_DEFINE
xmlFreeFunc sym_xmlFree;

/* One library: loaded once (pthread_once), and what came of it. */
struct lib {
	const char	*soname;
	void		 (*bind)(void *h, struct lib *l);
	pthread_once_t	 once;
	int		 ok;
	char		 why[256];
};

/* The address of name in h, or NULL with l's why said. */
static void *
sym(void *h, struct lib *l, const char *name)
{
	void *p = dlsym(h, name);

	if (p == NULL && l->why[0] == '\0')
		snprintf(l->why, sizeof l->why, "%s: no %s in it (another "
		    "version than the robot was built with?)", l->soname, name);
	return p;
}

/* A function pointer from dlsym's void *: POSIX makes that conversion
 * work, ISO C does not name it. */
#define BIND(f)	sym_##f = (__typeof__(sym_##f))sym(h, l, #f);

static void
bind_curl(void *h, struct lib *l)
{
	LAZY_CURL_FUNCTIONS(BIND)
	if (l->why[0] == '\0' && sym_curl_global_init(CURL_GLOBAL_DEFAULT) !=
	    CURLE_OK)
		snprintf(l->why, sizeof l->why, "%s: curl_global_init "
		    "failed", l->soname);
}

static void
bind_xml(void *h, struct lib *l)
{
	xmlFreeFunc *fp;

	LAZY_XML_FUNCTIONS(BIND)
	if ((fp = sym(h, l, "xmlFree")) != NULL)
		sym_xmlFree = *fp;
	if (l->why[0] == '\0')
		sym_xmlInitParser();
}

static void
bind_zip(void *h, struct lib *l)
{
	LAZY_ZIP_FUNCTIONS(BIND)
}

#undef BIND

static struct lib curl_lib = { LAZY_CURL_SO, bind_curl, PTHREAD_ONCE_INIT,
	0, "" };
static struct lib xml_lib = { LAZY_XML_SO, bind_xml, PTHREAD_ONCE_INIT, 0,
	"" };
static struct lib zip_lib = { LAZY_ZIP_SO, bind_zip, PTHREAD_ONCE_INIT, 0,
	"" };

/* Loads l.  The handle is never closed: the library stays for the
 * process, as a linked one would. */
static void
load(struct lib *l)
{
	const char *e;
	void *h;

	if ((h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		snprintf(l->why, sizeof l->why, "cannot load %s: %s",
		    l->soname, e ? e : "unknown error");
		return;
	}
	l->bind(h, l);
	l->ok = l->why[0] == '\0';
}

static void
curl_once(void)
{
	load(&curl_lib);
}

static void
xml_once(void)
{
	load(&xml_lib);
}

static void
zip_once(void)
{
	load(&zip_lib);
}

/* l's outcome, once its pthread_once has run. */
static int
outcome(const struct lib *l, char *err, size_t errlen)
{
	if (l->ok)
		return 0;
	snprintf(err, errlen, "%s", l->why);
	return -1;
}

int
lazy_curl(char *err, size_t errlen)
{
	pthread_once(&curl_lib.once, curl_once);
	return outcome(&curl_lib, err, errlen);
}

int
lazy_xml(char *err, size_t errlen)
{
	pthread_once(&xml_lib.once, xml_once);
	return outcome(&xml_lib, err, errlen);
}

int
lazy_zip(char *err, size_t errlen)
{
	pthread_once(&zip_lib.once, zip_once);
	return outcome(&zip_lib, err, errlen);
}

int
lazy_reading(char *err, size_t errlen)
{
	char why[256];

	if (lazy_xml(why, sizeof why) == 0 && lazy_zip(why, sizeof why) == 0)
		return 0;
	snprintf(err, errlen, "%s (needed to read HTML and forms)", why);
	return -1;
}
