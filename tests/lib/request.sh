# request.sh: the mail of a NES request as the e2e scripts send it: the
# ticket system's mail that opens it, and the form a unit's secretary
# sends for request #48604 (one person, Elif Kara).  The caller sets D
# (the domain), BIDB, ROBOT, SEKRETER and ELIF.

# request_ticket FILE NUMBER UNIT REQUESTER [CC] [EMAIL]: the ticket
# system's mail of Monday 1 June 2026 (at 08:MM, MM the number's last two
# digits).
request_ticket() {
	{
		printf 'Message-ID: <bys.%s@bys.%s>\n' "$2" "$D"
		printf 'Date: Mon, 01 Jun 2026 08:%s:00 +0300\n' "${2: -2}"
		printf 'From: BYS Destek Talep Sistemi <bys-destek@%s>\n' "$D"
		printf 'To: %s\n' "$BIDB"
		[ -n "${5:-}" ] && printf 'Cc: %s\n' "$5"
		printf 'Subject: [BYS Destek #%s] Yeni destek talebi: ' "$2"
		printf 'Nitelikli Elektronik Sertifika Yenileme\n'
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: text/plain; charset=utf-8\n'
		printf 'Content-Transfer-Encoding: 8bit\n\n'
		printf 'Yeni bir destek talebi oluşturuldu.\n\n'
		printf 'Talep No: %s\nTalep Eden: %s\n' "$2" "$4"
		[ -n "${6:-}" ] && printf 'Talep Eden E-posta: %s\n' "$6"
		printf 'Birim: %s\n' "$3"
		printf 'Kategori: Nitelikli Elektronik Sertifika (NES)\n'
	} >"$1"
}

# request_form FILE: the form for request #48604, from the faculty's
# secretary to BİDB with the robot in Cc, at 09:00 that Monday.
request_form() {
	cat >"$1" <<EOF_FORM
Message-ID: <form.48604@$D>
Date: Mon, 01 Jun 2026 09:00:00 +0300
From: Fakülte Sekreteri <$SEKRETER>
To: $BIDB
Cc: $ROBOT
Subject: e-imza sertifika yenileme talep formu (#48604)
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Sayın İlgili,

48604 numaralı talebimize istinaden NES yenileme talep formu aşağıdadır.

NİTELİKLİ ELEKTRONİK SERTİFİKA YENİLEME TALEP FORMU

Sıra	Adı Soyadı	T.C. Kimlik No	Unvan	Birim	Kurumsal E-posta	Cep Telefonu
1	Elif Kara	10000000146	Dr. Öğr. Üyesi	İletişim Fakültesi	$ELIF	0533 000 00 01

Bilgilerinize arz ederim.
EOF_FORM
}
