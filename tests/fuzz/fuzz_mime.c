/* fuzz_mime: mime_parse on arbitrary bytes (RFC 5322 headers, MIME
 * structure, RFC 2047 encoded words, RFC 2231 parameters, charsets), and
 * mime_decode_header on the input's first line. */
#include "fuzz.h"
#include "mime.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mime_msg *msg = NULL;
	const char *errstr = NULL;
	const uint8_t *nl;
	char *line, *dec;
	size_t n = 0, i;

	if (mime_parse((const char *)data, size, &msg, &errstr) == 0) {
		n += fuzz_touch(msg->message_id) + fuzz_touch(msg->in_reply_to);
		n += fuzz_touch(msg->references) + fuzz_touch(msg->date);
		n += fuzz_touch(msg->from) + fuzz_touch(msg->from_addr);
		n += fuzz_touch(msg->sender_addr);
		n += fuzz_touch(msg->return_path);
		n += fuzz_touch(msg->to) + fuzz_touch(msg->cc);
		n += fuzz_touch(msg->to_addrs) + fuzz_touch(msg->subject);
		n += fuzz_touch(msg->text) + fuzz_touch(msg->html);
		n += fuzz_touch(msg->notes);
		for (i = 0; i < msg->nheaders; i++)
			n += fuzz_touch(msg->headers[i].name) +
			    fuzz_touch(msg->headers[i].value);
		for (i = 0; i < msg->natt; i++) {
			n += fuzz_touch(msg->att[i].name) +
			    fuzz_touch(msg->att[i].type);
			if (msg->att[i].len > 0)
				n += msg->att[i].data[msg->att[i].len - 1];
		}
		(void)mime_header(msg, "Subject");
		mime_free(&msg);
	}

	/* The header decoder alone, on a value that need not look like mail. */
	nl = memchr(data, '\n', size);
	line = fuzz_str(data, nl != NULL ? (size_t)(nl - data) : size);
	if ((dec = mime_decode_header(line)) != NULL)
		n += fuzz_touch(dec);
	free(dec);
	free(line);
	return n == (size_t)-1;
}
