/* reason: reason codes and their Turkish words; see reason.h. */
#include <string.h>

#include "reason.h"

static const struct {
	const char	*key;
	const char	*words;
} reasons[REASON_COUNT] = {
	[REASON_NONE] = { "", "henüz incelenmedi" },
	[REASON_MOVED] = { "moved", "vakalar bir adım ilerledi" },
	[REASON_UNCHANGED] = { "unchanged",
	    "adım tanındı; vakalar zaten bu adımda ya da ilerisindeydi" },
	[REASON_TICKET] = { "ticket", "destek talebi açıldı" },
	[REASON_FORM] = { "form", "form okundu, vakalar açıldı" },
	[REASON_NO_RULE] = { "no_rule",
	    "hiçbir kural tanımadı (iş akışı postası değil)" },
	[REASON_NO_CASE] = { "no_case",
	    "adım tanındı, ama ilerletebileceği bir vaka bulunamadı" },
	[REASON_NO_TICKET] = { "no_ticket",
	    "destek talebi postası, ama talep numarası bulunamadı" },
	[REASON_NO_FORM] = { "no_form",
	    "form postası, ama kişileri okunabilen bir form yok" },
	[REASON_FOREIGN_UNIT] = { "foreign_unit",
	    "formdaki herkesin başka bir birimin talebinde vakası var" },
	[REASON_NOTE] = { "note", "bilgi notu; bir adım değil" },
	[REASON_MATCH_LIMIT] = { "match_limit",
	    "bir kural eşleştirme sınırına takıldı; ileti tam incelenemedi" },
	[REASON_ROLE_REFUSED] = { "role_refused",
	    "bir adımı gösteriyor, ama gönderenin o adım için yetkisi yok "
	    "(sahte olabilir)" },
	[REASON_UNTRUSTED] = { "untrusted",
	    "gönderen adresi kurumun sunucusunca doğrulanmadı (sahte "
	    "gönderen)" },
	[REASON_BAD_HEADERS] = { "bad_headers",
	    "başlıkları çift ya da gönderen adresi okunamıyor" },
	[REASON_OWN_MAIL] = { "own_mail", "robotun kendi postası" },
	[REASON_BOUNCE] = { "bounce",
	    "robotun bir postası teslim edilemedi; vakasına işlendi" },
	[REASON_AUTOMATIC] = { "automatic",
	    "otomatik yanıt ya da teslim raporu" },
	[REASON_REPLY] = { "reply",
	    "robotun postasına bir yanıt; BİDB'nin okumasını bekliyor" },
	[REASON_ADMIN] = { "admin", "bir yönetici vakaya bağladı" },
	[REASON_POISON] = { "poison",
	    "ileti çözümlenirken program çöktü ya da süre aşıldı" },
};

const char *
reason_key(enum reason_code c)
{
	if ((unsigned)c >= REASON_COUNT)
		c = REASON_NONE;
	return reasons[c].key;
}

enum reason_code
reason_parse(const char *key)
{
	if (key == NULL)
		return REASON_NONE;
	for (int c = 1; c < REASON_COUNT; c++)
		if (strcmp(reasons[c].key, key) == 0)
			return (enum reason_code)c;
	return REASON_NONE;
}

const char *
reason_words(enum reason_code c)
{
	if ((unsigned)c >= REASON_COUNT)
		c = REASON_NONE;
	return reasons[c].words;
}
