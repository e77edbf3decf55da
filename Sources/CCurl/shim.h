#include <curl/curl.h>

/* curl_easy_setopt / curl_easy_getinfo are variadic, which Swift refuses:
   one typed wrapper per argument kind. */
static inline CURLcode jutsu_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode jutsu_curl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode jutsu_curl_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode jutsu_curl_setopt_offt(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*jutsu_curl_data_cb)(char *, size_t, size_t, void *);
static inline CURLcode jutsu_curl_setopt_data_callback(CURL *h, CURLoption o, jutsu_curl_data_cb cb) { return curl_easy_setopt(h, o, cb); }
/* CURLOPT_PREREQFUNCTION (libcurl >= 7.80): called right before each request is sent on a
   connection, also when libcurl re-sends a request on a fresh connection by itself. */
typedef int (*jutsu_curl_prereq_cb)(void *, char *, char *, int, int);
static inline CURLcode jutsu_curl_setopt_prereq_callback(CURL *h, jutsu_curl_prereq_cb cb) { return curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, cb); }
static inline CURLcode jutsu_curl_getinfo_long(CURL *h, CURLINFO i, long *out) { return curl_easy_getinfo(h, i, out); }
static inline CURLcode jutsu_curl_getinfo_double(CURL *h, CURLINFO i, double *out) { return curl_easy_getinfo(h, i, out); }
static inline CURLcode jutsu_curl_getinfo_offt(CURL *h, CURLINFO i, curl_off_t *out) { return curl_easy_getinfo(h, i, out); }

/* CURLVERSION_NOW is a macro aliasing an enum value, which Swift does not import. */
static const int jutsu_curl_version_now = CURLVERSION_NOW;
