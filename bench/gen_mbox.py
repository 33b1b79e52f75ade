#!/usr/bin/python3
"""Deterministic generator of a realistic spam mbox for the spamgraph benchmark.

    /usr/bin/python3 bench/gen_mbox.py --messages 100000 --out bench/out/bench.mbox [--seed 1]
    /usr/bin/python3 bench/gen_mbox.py --messages 100000 --out bench/out/big.mbox --repeat-to-bytes 1000000000

Standard library only. The same --seed and --messages give the same bytes.

What the messages look like (modelled on shared/corpus: spamassassin t/data/spam,
phishing_pot, rspamd functional messages, sisimai, and the headers quoted in
seed/blog-ja-cks-part2.txt):

* mboxrd: "From <envelope> <asctime>" separator lines; body lines matching
  /^>*From / get one more '>'; every message ends with an empty line.
* 2-8 Received fields per message, newest first, written by a mix of servers:
  Postfix (with amavisd-new and Dovecot LMTP hops), Exim, qmail (with its
  "invoked from network" line), Sendmail, Exchange Online (2603:10b6:... IPv6
  hops, "id 15.20.x.y", "via Frontend Transport"), Gmail (by-only hops and
  mx.google.com), Yahoo! JAPAN ("from IP  (EHLO name) (IP)").
* A campaign structure: ~300 /24s holding ~3000 sending IPs, ~3000 domains,
  ~250 campaigns with their own relays, sender domains, link domains and
  templates, sized by a Zipf-like law so entities repeat the way they do in real
  spam; the JA-CKS campaign of the seed blog post is one of them, with its real
  IPs and domains. About 4% of messages come from "botnet" senders whose IP and
  domain are unique to the message.
* Received-SPF, Authentication-Results (spf/dkim/dmarc) in each receiver's own
  style, DKIM-Signature with b= lengths of RSA-2048 (344), RSA-1024 (172) or
  Ed25519 (88), Return-Path, From with display names (plain, or RFC 2047
  ISO-2022-JP B / UTF-8 B / UTF-8 Q Japanese), Reply-To and List-Unsubscribe on
  some, Message-ID, Subject in Japanese (encoded words) or English.
* MIME bodies: text/plain + text/html alternatives or a single part, in
  ISO-2022-JP 7bit, UTF-8 base64, UTF-8 quoted-printable, UTF-8 8bit or us-ascii,
  holding 1-5 URLs (link domains, per-message tracking tokens, shorteners, IP
  literals).

--repeat-to-bytes B: generate --messages messages once (kept in memory, ~5 KB
each), then write them again and again until the file holds at least B bytes
(100000 messages and B=1e9 give ~202,000 messages in ~30 s). Round r>0 adds
"r<r>." to each message's Message-ID local part and to the first " id " token
after its first Received field (usually that hop's queue id), so every message
of the big file has a distinct header block; times, IPs and domains repeat.
"""
import argparse
import base64
import binascii
import re
import sys
import time

import random

# --------------------------------------------------------------------------- helpers

WDAY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
LOWER = "abcdefghijklmnopqrstuvwxyz"
LOWNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
HEXU = "0123456789ABCDEF"
HEXL = "0123456789abcdef"

T_START = 1672531200  # 2023-01-01T00:00:00Z
T_END = 1735689600    # 2025-01-01T00:00:00Z


def fmt_date(ts, tz_min=0, style="rfc", tz_name=""):
    """RFC 5322 dates the way different servers write them."""
    t = time.gmtime(ts + tz_min * 60)
    sign = "+" if tz_min >= 0 else "-"
    off = "%s%02d%02d" % (sign, abs(tz_min) // 60, abs(tz_min) % 60)
    if style == "qmail":
        return "%d %s %d %02d:%02d:%02d %s" % (t.tm_mday, MON[t.tm_mon - 1], t.tm_year,
                                               t.tm_hour, t.tm_min, t.tm_sec, off)
    if style == "postfix":  # day padded with a space, zone name in a comment
        s = "%s, %2d %s %d %02d:%02d:%02d %s" % (WDAY[t.tm_wday], t.tm_mday, MON[t.tm_mon - 1],
                                                t.tm_year, t.tm_hour, t.tm_min, t.tm_sec, off)
    elif style == "nopad":  # Exchange: "Mon, 5 Aug 2024 22:12:23 +0000"
        s = "%s, %d %s %d %02d:%02d:%02d %s" % (WDAY[t.tm_wday], t.tm_mday, MON[t.tm_mon - 1],
                                               t.tm_year, t.tm_hour, t.tm_min, t.tm_sec, off)
    else:
        s = "%s, %02d %s %d %02d:%02d:%02d %s" % (WDAY[t.tm_wday], t.tm_mday, MON[t.tm_mon - 1],
                                                 t.tm_year, t.tm_hour, t.tm_min, t.tm_sec, off)
    if tz_name:
        s += " (%s)" % tz_name
    return s


def asctime(ts):
    t = time.gmtime(ts)
    return "%s %s %2d %02d:%02d:%02d %d" % (WDAY[t.tm_wday], MON[t.tm_mon - 1], t.tm_mday,
                                           t.tm_hour, t.tm_min, t.tm_sec, t.tm_year)


def fold(name, value, width=78, indent=" "):
    """Folds a header at spaces so lines stay under `width` (as Exchange does)."""
    words = value.split(" ")
    lines = []
    cur = name + ":"
    for w in words:
        if not w:
            continue
        if len(cur) + 1 + len(w) > width and cur.strip() and len(cur) > len(indent):
            lines.append(cur)
            cur = indent + w
        else:
            cur = cur + " " + w
    lines.append(cur)
    return "\n".join(lines)


def qp_word_bytes(data):
    """RFC 2047 Q encoding of bytes."""
    out = []
    for b in data:
        if b == 0x20:
            out.append("_")
        elif (0x30 <= b <= 0x39) or (0x41 <= b <= 0x5A) or (0x61 <= b <= 0x7A) or b in b"!*+-/":
            out.append(chr(b))
        else:
            out.append("=%02X" % b)
    return "".join(out)


def encoded_words(text, mode):
    """RFC 2047 encoded words for `text`, packed greedily so each word stays <= 75 chars.

    mode: "jis-b" (ISO-2022-JP, B), "utf8-b", "utf8-q". Each ISO-2022-JP word is
    encoded on its own, so it starts in ASCII and returns to ASCII (RFC 1468), and
    no word splits a character."""
    if mode == "jis-b":
        charset, codec, enc = "ISO-2022-JP", "iso2022_jp", "B"
    elif mode == "utf8-b":
        charset, codec, enc = "UTF-8", "utf-8", "B"
    else:
        charset, codec, enc = "UTF-8", "utf-8", "Q"
    room = 75 - len(charset) - 7

    def size(part):
        data = part.encode(codec)
        return (len(data) + 2) // 3 * 4 if enc == "B" else len(qp_word_bytes(data))

    words = []
    start = 0
    while start < len(text):
        end = start + 1
        while end < len(text) and size(text[start:end + 1]) <= room:
            end += 1
        data = text[start:end].encode(codec)
        if enc == "B":
            words.append("=?%s?B?%s?=" % (charset, base64.b64encode(data).decode("ascii")))
        else:
            words.append("=?%s?Q?%s?=" % (charset, qp_word_bytes(data)))
        start = end
    return words


def encode_phrase(text, mode, lower_charset=False):
    words = encoded_words(text, mode)
    if lower_charset:
        words = [w.replace("ISO-2022-JP", "iso-2022-jp").replace("UTF-8", "utf-8") for w in words]
    return words


def can_jis(text):
    try:
        text.encode("iso2022_jp")
        return True
    except UnicodeEncodeError:
        return False


def is_ascii(text):
    try:
        text.encode("ascii")
        return True
    except UnicodeEncodeError:
        return False


# --------------------------------------------------------------------------- vocab

JA_BRANDS = [
    ("JA・CKS信用情報管理通知センター", "jacks"),
    ("Amazon.co.jp", "amazon"), ("アマゾン", "amazon"),
    ("三井住友カード", "smbc"), ("楽天カード株式会社", "rakuten"), ("楽天市場", "rakuten"),
    ("えきねっと", "eki"), ("ETC利用照会サービス", "etc"), ("au PAY", "aupay"),
    ("エポスカード", "epos"), ("イオンカード", "aeon"), ("三菱UFJ銀行", "mufg"),
    ("メルカリ", "mercari"), ("PayPay銀行", "paypay"), ("ヤマト運輸", "yamato"),
    ("佐川急便", "sagawa"), ("日本郵便", "post"), ("国税庁", "nta"), ("NHKプラス", "nhk"),
    ("ソフトバンク", "softbank"), ("セゾンカード", "saison"), ("ビューカード", "view"),
    ("東京電力エナジーパートナー", "tepco"), ("りそな銀行", "resona"), ("マイナポイント事務局", "mynum"),
]
EN_BRANDS = [
    ("Binance", "binance"), ("PayPal", "paypal"), ("Microsoft 365", "ms"), ("Netflix", "netflix"),
    ("Apple", "apple"), ("DHL Express", "dhl"), ("Wells Fargo", "wells"), ("Chase", "chase"),
    ("Coinbase", "coinbase"), ("MetaMask", "metamask"), ("USPS", "usps"), ("Norton", "norton"),
    ("McAfee", "mcafee"), ("Mail Administrator", "mailadmin"), ("IT Support", "itsupport"),
    ("Walmart Rewards", "walmart"), ("Costco Survey", "costco"), ("Dr. Ahmed Musa", "419"),
]

JA_SUBJECTS = [
    "【重要】お客様のアカウントが一時停止されました",
    "【{brand}】ご利用確認のお願い",
    "【{brand}】お支払い方法の更新が必要です",
    "{brand}：未払い料金のお知らせ（最終通知）",
    "【{brand}】カードご利用停止のお知らせ",
    "【{brand}】お客様情報の確認",
    "{brand}からの重要なお知らせ（No.{n}）",
    "【至急】{brand}会員情報の再登録について",
    "【{brand}】訴訟最終通知のお知らせ",
    "{brand}：ポイント付与のお知らせ",
    "【{brand}】不正ログインを検知しました",
    "お荷物お届けのお知らせ（{brand}）",
    "【{brand}】{m}月{d}日 ご請求金額確定のお知らせ",
    "{brand}ご利用料金のお支払いについて",
    "【最終警告】{brand}アカウントの有効期限が切れています",
]
EN_SUBJECTS = [
    "Your account has been suspended",
    "[{brand}] Withdraw Successful - {date}(UTC)",
    "Invoice #{n} is overdue",
    "You have ({k}) undelivered messages",
    "Re: Payment confirmation {n}",
    "Action required: verify your {brand} account",
    "Congratulations! You have been selected",
    "{brand}: unusual sign-in activity",
    "Your package could not be delivered",
    "Final notice: subscription renewal #{n}",
    "Password expiry notice for {user}",
    "URGENT BUSINESS PROPOSAL",
    "Fwd: Document shared with you",
]

JA_LINES = [
    "いつも{brand}をご利用いただき、誠にありがとうございます。",
    "お客様のアカウントに不正なアクセスがあった可能性があります。",
    "セキュリティ上の理由により、ご利用を一時的に制限させていただきました。",
    "下記のURLよりログインし、お客様情報の確認をお願いいたします。",
    "２４時間以内にご確認いただけない場合、アカウントは停止されます。",
    "ご不便とご心配をおかけし、誠に申し訳ございません。",
    "本メールは送信専用のアドレスから送信しております。",
    "お支払い方法に問題があり、ご注文を処理できませんでした。",
    "未払い料金が発生しております。至急お手続きください。",
    "期日までにご連絡がない場合、法的手続きに移行いたします。",
    "ご登録のカード情報の有効期限が切れています。",
    "お荷物のお届けにあがりましたが、宛先不明のため持ち帰りました。",
    "再配達のご依頼は下記よりお願いいたします。",
    "ポイントの有効期限が近づいております。",
    "今後とも{brand}をよろしくお願い申し上げます。",
    "ご確認のほど、よろしくお願いいたします。",
    "お問い合わせ番号：{n}",
    "※このメールにお心当たりのない方は破棄してください。",
]
EN_LINES = [
    "Dear Customer,",
    "We detected unusual activity on your {brand} account.",
    "For your security, access to your account has been temporarily limited.",
    "Please verify your information within 24 hours to avoid permanent suspension.",
    "Click the link below to confirm your identity:",
    "Your payment of ${amt} could not be processed.",
    "If you did not request this change, please contact us immediately.",
    "This is an automated message, please do not reply.",
    "You have {k} pending messages waiting for delivery.",
    "Your mailbox storage is almost full (98%).",
    "We have attempted to deliver your package but nobody was home.",
    "Reference number: {n}",
    "Thank you for choosing {brand}.",
    "Kind regards,",
    "The {brand} Team",
    "I am contacting you in confidence regarding a transfer of $12,500,000.00.",
    "Kindly reply with your full name and telephone number.",
]
FROM_LINES = [  # become ">From ..." in the mbox (mboxrd quoting)
    "From the desk of the Account Security Department",
    "From now on, your account will be protected by two-step verification.",
    "From: {brand} Customer Service <support@{dom}>",
    ">From the archive: your previous statement is attached.",
]

TLDS = ["top", "xyz", "link", "shop", "club", "online", "site", "info", "com", "net", "icu",
        "cn", "jp", "work", "buzz", "cfd", "sbs", "monster", "store", "fun", "cyou", "tokyo",
        "co.jp", "ne.jp", "com.cn", "ru", "in", "vip", "asia", "live"]
TLD_WEIGHTS = [12, 12, 8, 7, 4, 4, 4, 3, 10, 5, 4, 5, 3, 2, 2, 2, 2, 1, 2, 1, 2, 2, 1, 1, 1, 2, 1, 2, 1, 1]
WORDS = ["secure", "account", "verify", "login", "update", "service", "support", "info", "mail",
         "smart", "card", "pay", "point", "bank", "member", "notice", "center", "help", "safe",
         "amazon", "rakuten", "jp", "net", "cloud", "web", "my", "auth", "check", "portal",
         "shop", "deal", "gift", "prize", "news", "post", "deliver", "track", "wallet", "coin",
         "sun", "moon", "star", "lucky", "happy", "jon", "somach", "author", "leadw", "kumo"]

MAILERS = ["PHPMailer 6.1.5 (https://github.com/PHPMailer/PHPMailer)", "Microsoft Outlook 16.0",
           "Foxmail 7.2.25.228[cn]", "Mozilla Thunderbird", "Microsoft Office Outlook 12.0",
           "Coremail Webmail Server Version XT5.0.14", "Sendinblue", "Mailer 1.0",
           "WebService/1.1.22077 YMailNorrin", "Apple Mail (2.3774.500.171.1.1)",
           "Becky! ver. 2.81.05 [ja]", "Nodemailer (6.9.7; +https://nodemailer.com/)"]

PROVIDERS = [  # rDNS pattern for a /24: {a}.{b}.{c}.{d}
    "static-ip.{d}.{c}.{b}.{a}.rev.{dom}", "ip-{a}-{b}-{c}-{d}.{dom}", "{a}-{b}-{c}-{d}.static.{dom}",
    "vps{n}.{dom}", "host{d}.{c}.{b}.{a}.{dom}", "mail{d}.{dom}", "smtp{d}-{c}.{dom}",
    "{d}.{c}.{b}.{a}.rdns.{dom}", "ec2-{a}-{b}-{c}-{d}.ap-northeast-1.compute.amazonaws.com",
    "unknown", "unknown", "{a}.{b}.{c}.{d}.static.xtom.com", "server{n}.{dom}",
]
PROVIDER_DOMS = ["i4hk.com", "hostinger.com", "ovh.net", "contabo.net", "vultrusercontent.com",
                 "linode.com", "hostwinds.com", "ctinets.com", "zenlayer.net", "alibabacloud.com",
                 "tencentcloud.com", "colocrossing.com", "hkbn.net", "sakura.ne.jp", "xserver.jp",
                 "kagoya.net", "choopa.net", "leaseweb.net", "hetzner.com", "m247.com"]

# The user's own mailboxes and servers (the receiving side).
PROFILES = ["gmail", "outlook", "yahoojp", "postfix", "exim", "qmail", "sendmail"]
PROFILE_WEIGHTS = [24, 20, 20, 16, 8, 6, 6]
USERS = {
    "gmail": ["kumo.taro@gmail.com", "spamtrap.jp@gmail.com"],
    "outlook": ["phishing@pot", "neko_tanaka@hotmail.com", "m.sato@outlook.jp"],
    "yahoojp": ["muramatsu_kill@yahoo.co.jp", "kumo_lab@yahoo.co.jp"],
    "postfix": ["taro@neko.example.jp", "abuse@neko.example.jp", "info@neko.example.jp"],
    "exim": ["admin@kumo-hosting.example.com", "sales@kumo-hosting.example.com"],
    "qmail": ["shironeko@cat.example.co.jp", "nekochan@example.jp"],
    "sendmail": ["jm@jmason.example.org", "root@mx.example.org"],
}


# --------------------------------------------------------------------------- world


class World:
    """The fixed part: networks, IPs, domains, campaigns. Built from the seed."""

    def __init__(self, rng):
        self.rng = rng
        self.prefixes = []      # (a, b, c, rdns_pattern, provider_domain)
        self.build_networks()
        self.ips = []           # (ip, rdns)
        self.build_ips()
        self.domains = []
        self.build_domains()
        self.campaigns = []
        self.build_campaigns()

    def public_octet1(self):
        rng = self.rng
        while True:
            a = rng.randint(1, 223)
            if a not in (10, 100, 127, 169, 172, 192, 198, 203, 0):
                return a

    def build_networks(self):
        rng = self.rng
        seen = {}
        # the seed case networks first (AS133027 and the origin's /24)
        fixed = [(114, 113, 195, "re{d}.leadw.link", "leadw.link"),
                 (103, 244, 54, "static-ip.{d}.{c}.{b}.{a}.rev.{dom}", "i4hk.com"),
                 (122, 115, 76, "unknown", ""), (191, 101, 60, "unknown", ""),
                 (223, 252, 175, "unknown", "")]
        for p in fixed:
            seen[p[:3]] = True
            self.prefixes.append(p)
        while len(self.prefixes) < 300:
            # providers hold runs of neighbouring /24s
            a = self.public_octet1()
            b = rng.randint(0, 255)
            c0 = rng.randint(0, 250)
            pattern = rng.choice(PROVIDERS)
            pdom = rng.choice(PROVIDER_DOMS)
            for c in range(c0, c0 + rng.choice((1, 1, 1, 2, 3, 4))):
                if (a, b, c) in seen or len(self.prefixes) >= 300:
                    continue
                seen[(a, b, c)] = True
                self.prefixes.append((a, b, c, pattern, pdom))

    def rdns_for(self, a, b, c, d, pattern, pdom):
        if pattern == "unknown":
            return ""
        return pattern.format(a=a, b=b, c=c, d=d, dom=pdom, n=(a * 7 + b * 3 + c) * 256 + d)

    def build_ips(self):
        rng = self.rng
        seen = {}
        self.by_prefix = [[] for _ in self.prefixes]
        while len(self.ips) < 3000:
            pi = rng.randrange(len(self.prefixes))
            a, b, c, pattern, pdom = self.prefixes[pi]
            d = rng.randint(2, 254)
            if (pi, d) in seen:
                continue
            seen[(pi, d)] = True
            self.by_prefix[pi].append(len(self.ips))
            self.ips.append(("%d.%d.%d.%d" % (a, b, c, d), self.rdns_for(a, b, c, d, pattern, pdom), pi))

    def random_domain(self):
        rng = self.rng
        tld = rng.choices(TLDS, TLD_WEIGHTS)[0]
        style = rng.random()
        if style < 0.45:  # kldoqzn6x62p3.top
            label = "".join(rng.choice(LOWNUM) for _ in range(rng.randint(8, 13)))
            if label[0].isdigit() and rng.random() < 0.5:
                label = rng.choice(LOWER) + label[1:]
        elif style < 0.8:  # somach789.xyz, jonjokojon789.shop
            label = rng.choice(WORDS) + rng.choice(("", rng.choice(WORDS))) + str(rng.randint(1, 999))
        else:  # secure-amazon-jp.com
            label = "-".join(rng.sample(WORDS, rng.randint(2, 3)))
        return label + "." + tld

    def build_domains(self):
        seed_domains = ["jonjokojon789.shop", "sunsonshu55.shop", "20fv9uicbmcid.link",
                        "2bke8q4dybzuo.link", "cph7l0pgxnv2s.link", "dzea626y1whdr.link",
                        "g0zs8omwfqere.link", "gplpdph2h6bv7.link", "ocbotshemc8l6.link",
                        "q1g7w7qxuij86.link", "wsxhwh559uwks.link", "i7fkywkb1ton.link",
                        "788fckwv42kj.link", "p963kr435uqq.link", "1eyv7xaaktsre.club",
                        "rdnvgggd99ds.link", "eopdkndujdfgs.link", "kldoqzn6x62p3.top",
                        "somach789.xyz", "authoranz.xyz"]
        seen = dict.fromkeys(seed_domains, True)
        self.domains = list(seed_domains)
        while len(self.domains) < 3000:
            d = self.random_domain()
            if d not in seen:
                seen[d] = True
                self.domains.append(d)

    def build_campaigns(self):
        rng = self.rng
        n = 250
        # the seed campaign: JA-CKS, relayed by re27.leadw.link in 114.113.195.0/24
        self.campaigns.append(self.make_campaign(0, seed=True))
        for i in range(1, n):
            self.campaigns.append(self.make_campaign(i))
        # Zipf-like sizes: a few big campaigns, a long tail
        self.weights = [1.0 / (i + 1) ** 0.9 for i in range(n)]
        self.weights[0] = self.weights[3]

    def make_campaign(self, idx, seed=False):
        rng = self.rng
        c = {"id": idx}
        if seed:
            c["lang"] = "ja"
            c["brand"] = ("JA・CKS信用情報管理通知センター", "jacks")
            c["origins"] = [i for i, ip in enumerate(self.ips) if ip[2] == 1] or [0]
            self.ips.append(("103.244.54.137", "static-ip.137.54.244.103.rev.i4hk.com", 1))
            c["origins"] = [len(self.ips) - 1]
            relays = []
            for d in (101, 11):
                self.ips.append(("114.113.195.%d" % d, "", 0))
                relays.append((len(self.ips) - 1, "re27.leadw.link"))
            c["relays"] = relays
            c["relay_dialect"] = "postfix"
            c["domains"] = list(range(20))
            c["link_domains"] = list(range(18))
            c["env_local"] = "bounce"
            c["dkim"] = "none"
            c["spf"] = "pass"
            c["esp"] = None
            c["start"] = T_START + 300 * 86400
            c["end"] = T_END - 20 * 86400
            c["subjects"] = [0, 4, 8, 6]
            c["mailer"] = ""
            c["mid_style"] = "relay"
            c["unsub"] = False
            c["reply_to"] = False
            c["botnet"] = False
            c["hop_extra"] = False
            c["chain"] = 1
            return c
        lang = "ja" if rng.random() < 0.6 else "en"
        c["lang"] = lang
        c["brand"] = rng.choice(JA_BRANDS if lang == "ja" else EN_BRANDS)
        # sending IPs: 1-3 /24s, usually from one provider's block
        npfx = rng.choice((1, 1, 1, 2, 2, 3))
        p0 = rng.randrange(5, len(self.prefixes))
        pfx = [min(len(self.prefixes) - 1, p0 + k) for k in range(npfx)]
        origins = [i for p in pfx for i in self.by_prefix[p]]
        if not origins:
            origins = [rng.randrange(len(self.ips))]
        rng.shuffle(origins)
        c["origins"] = origins[:rng.randint(3, 40)]
        c["esp"] = rng.choices([None, "amazonses", "sendgrid", "onmicrosoft", "gmail"],
                               [70, 8, 6, 10, 6])[0]
        # relays: spammer-run MTAs between the origin and the recipient
        c["relays"] = []
        if c["esp"] is None and rng.random() < 0.55:
            rpfx = rng.randrange(len(self.prefixes))
            rdom = self.domains[rng.randrange(20, len(self.domains))]
            pool = self.by_prefix[rpfx] or [rng.randrange(len(self.ips))]
            for k in range(rng.randint(1, 3)):
                ipi = rng.choice(pool)
                c["relays"].append((ipi, "%s%d.%s" % (rng.choice(("re", "mx", "smtp", "mail", "mta", "out")),
                                                      rng.randint(1, 99), rdom)))
        c["relay_dialect"] = rng.choices(["postfix", "exim", "sendmail", "qmail"], [50, 25, 15, 10])[0]
        nd = rng.randint(3, 40)
        start = rng.randrange(20, len(self.domains) - nd)
        doms = list(range(start, start + nd))
        if rng.random() < 0.15:  # domains reused by another campaign
            doms += [rng.randrange(20, len(self.domains)) for _ in range(rng.randint(1, 5))]
        c["domains"] = doms
        c["link_domains"] = doms if rng.random() < 0.5 else [
            rng.randrange(20, len(self.domains)) for _ in range(rng.randint(2, 12))]
        c["env_local"] = rng.choice(("bounce", "info", "noreply", "random", "return", "mail"))
        c["dkim"] = rng.choices(["none", "own", "esp", "bad"], [40, 35, 10, 15])[0]
        if c["esp"] in ("amazonses", "sendgrid", "gmail", "onmicrosoft"):
            c["dkim"] = "esp"
        c["spf"] = rng.choices(["pass", "softfail", "none", "fail", "neutral"], [55, 15, 15, 10, 5])[0]
        span = rng.randint(2, 200) * 86400
        c["start"] = rng.randint(T_START, T_END - span)
        c["end"] = c["start"] + span
        subj = JA_SUBJECTS if lang == "ja" else EN_SUBJECTS
        c["subjects"] = rng.sample(range(len(subj)), rng.randint(1, 4))
        c["mailer"] = rng.choice(MAILERS + [""] * 4)
        c["mid_style"] = rng.choice(("hex", "uuid", "relay", "phpmailer", "date"))
        c["unsub"] = rng.random() < 0.3
        c["reply_to"] = rng.random() < 0.3
        c["botnet"] = rng.random() < 0.06
        c["hop_extra"] = rng.random() < 0.4
        c["chain"] = 2 if rng.random() < 0.35 else 1
        return c


# --------------------------------------------------------------------------- one message


class Gen:
    def __init__(self, world, rng):
        self.w = world
        self.rng = rng
        self.jis_ok = {}

    # small random pieces
    def s(self, alphabet, n):
        return "".join(self.rng.choices(alphabet, k=n))

    def b64(self, nbytes):
        return base64.b64encode(self.rng.randbytes(nbytes)).decode("ascii")

    def random_public_ip(self):
        return "%d.%d.%d.%d" % (self.w.public_octet1(), self.rng.randint(0, 255),
                                self.rng.randint(0, 255), self.rng.randint(1, 254))

    def exim_id(self):
        return "%s-%s-%s" % (self.s(ALNUM, 6), self.s(ALNUM, 6), self.s(ALNUM, 2))

    def postfix_id(self):
        return self.s(HEXU, self.rng.choice((10, 11, 12)))

    def sendmail_id(self):
        return self.s(ALNUM, 8) + "%06d" % self.rng.randint(0, 999999)

    def exch_host(self, kind):
        rng = self.rng
        region = rng.choice(("NAM", "APC", "EUR", "JPN"))
        if kind == "mbx":
            r = {"NAM": "namprd%02d" % rng.randint(1, 22), "APC": "apcprd%02d" % rng.randint(1, 6),
                 "EUR": "eurprd%02d" % rng.randint(1, 9), "JPN": "jpnprd01"}[region]
            p = {"NAM": "SJ2PR", "APC": "TYZP", "EUR": "AM9PR", "JPN": "OS3P"}[region]
            return "%s%02dMB%04d.%s.prod.outlook.com" % (p, rng.randint(10, 99), rng.randint(1000, 9999), r)
        if kind == "ca":
            return "MW4PR%02dCA%04d" % (rng.randint(1, 20), rng.randint(1, 9999))
        return "%s%dFT%03d" % (rng.choice(("MW2NAM12", "CY4PEPF", "DB8EUR05", "TY2JPN01", "SG2APC01")),
                               rng.randint(0, 9), rng.randint(1, 999))

    def v6(self, prefix="2603:10b6"):
        rng = self.rng
        return "%s:%x:%x::%x" % (prefix, rng.randint(0x100, 0xfff), rng.randint(1, 0xfff), rng.randint(1, 0x3f))

    def exch_id(self):
        return "15.20.%d.%d" % (self.rng.randint(5000, 8300), self.rng.randint(1, 45))

    def dkim_sig(self, d, sel, ts, google_style=False):
        rng = self.rng
        kind = rng.choices(("rsa2048", "rsa1024", "ed25519"), (70, 25, 5))[0]
        nbytes = {"rsa2048": 256, "rsa1024": 128, "ed25519": 64}[kind]
        a = "ed25519-sha256" if kind == "ed25519" else "rsa-sha256"
        b = self.b64(nbytes)
        bh = self.b64(32)
        h = rng.choice(("From:To:Subject:Date:Message-ID:MIME-Version:Content-Type",
                        "Date:To:From:Subject:Message-ID:MIME-Version:Content-Type:Content-Transfer-Encoding:Feedback-ID",
                        "from:to:subject:date:message-id:mime-version:content-type:list-unsubscribe",
                        "subject:to:mime-version:from:date:message-id:from:to:cc:subject:date:message-id:reply-to"))
        if google_style:
            ind = "\n        "
            chunks = [b[:62]] + [b[i:i + 68] for i in range(62, len(b), 68)]
            bl = ("\n         ").join(chunks)
            return ("DKIM-Signature: v=1; a=%s; c=relaxed/relaxed;%sd=%s; s=%s; t=%d; x=%d;%sh=%s;%sbh=%s;%sb=%s"
                    % (a, ind, d, sel, ts, ts + 604800, ind, h, ind, bh, ind, bl))
        chunks = [b[i:i + 64] for i in range(0, len(b), 64)]
        return ("DKIM-Signature: v=1; a=%s; q=dns/txt; c=relaxed/simple;\n\ts=%s; d=%s; t=%d;\n\th=%s;\n\tbh=%s;\n\tb=%s"
                % (a, sel, d, ts, h, bh, "\n\t".join(chunks)))

    # ----------------------------------------------------------------- text

    def fill(self, tmpl, brand, dom, ts):
        rng = self.rng
        t = time.gmtime(ts)
        return tmpl.format(brand=brand, n=rng.randint(100000, 99999999), k=rng.randint(2, 9),
                           m=t.tm_mon, d=t.tm_mday, amt="%d.%02d" % (rng.randint(9, 999), rng.randint(0, 99)),
                           date=time.strftime("%Y-%m-%d %H:%M:%S", t), user="user" + str(rng.randint(1, 999)),
                           dom=dom)

    def subject(self, c, ts):
        rng = self.rng
        brand = c["brand"][0]
        if c["lang"] == "ja":
            text = self.fill(JA_SUBJECTS[rng.choice(c["subjects"])], brand, "", ts)
            mode = rng.choices(("jis-b", "utf8-b", "utf8-q"), (55, 35, 10))[0]
            if mode == "jis-b" and not can_jis(text):
                mode = "utf8-b"
            return "Subject: " + "\n ".join(encode_phrase(text, mode, rng.random() < 0.3))
        text = self.fill(EN_SUBJECTS[rng.choice(c["subjects"])], brand, "", ts)
        if rng.random() < 0.1:  # some English subjects come encoded too
            return "Subject: " + "\n ".join(encode_phrase(text, "utf8-q"))
        return fold("Subject", text)

    def display_name(self, c):
        rng = self.rng
        brand = c["brand"][0]
        if is_ascii(brand):
            if rng.random() < 0.2:
                return " ".join(encode_phrase(brand, "utf8-q"))
            return '"%s"' % brand if (" " in brand or "." in brand) else brand
        mode = rng.choices(("jis-b", "utf8-b", "utf8-q"), (50, 40, 10))[0]
        if mode == "jis-b" and not can_jis(brand):
            mode = "utf8-b"
        return " ".join(encode_phrase(brand, mode, rng.random() < 0.3))

    def urls(self, c, token):
        rng = self.rng
        w = self.w
        out = []
        for _ in range(rng.choices((1, 2, 3, 4, 5), (25, 30, 20, 15, 10))[0]):
            dom = w.domains[rng.choice(c["link_domains"])]
            kind = rng.random()
            if kind < 0.35:
                u = "https://%s/%s?id=%s" % (dom, rng.choice(("login", "verify", "account/update", "jp/signin", "s")), token)
            elif kind < 0.55:
                u = "https://%s.%s/%s" % (self.s(LOWNUM, rng.randint(3, 6)), dom, self.s(ALNUM, 10))
            elif kind < 0.7:
                u = "http://%s/" % dom
            elif kind < 0.8:
                u = "https://%s/?%s" % (rng.choice(("bit.ly", "t.co", "is.gd", "tinyurl.com", "x.gd")), self.s(ALNUM, 7))
            elif kind < 0.87:
                ip = w.ips[rng.choice(c["origins"])][0]
                u = "http://%s/%s/" % (ip, rng.choice(("jp", "amazon", "login", "web")))
            elif kind < 0.94:
                u = "https://%s/unsubscribe?u=%s&e=%s" % (dom, token[:12], self.s(HEXL, 16))
            else:
                u = "https://storage.googleapis.com/%s/index.html#%s" % (self.s(LOWNUM, 10), token[:10])
            out.append(u)
        return out

    def body_text(self, c, urls, dom, ts):
        rng = self.rng
        brand = c["brand"][0]
        lines_src = JA_LINES if c["lang"] == "ja" else EN_LINES
        lines = []
        n = rng.randint(6, 16)
        ui = 0
        for i in range(n):
            lines.append(self.fill(rng.choice(lines_src), brand, dom, ts))
            if ui < len(urls) and (rng.random() < 0.35 or i == n - 1 - (len(urls) - ui)):
                lines.append("")
                lines.append(urls[ui])
                lines.append("")
                ui += 1
        while ui < len(urls):
            lines.append(urls[ui])
            ui += 1
        return lines

    def html_from(self, lines, urls, charset):
        parts = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=%s"></head>' % charset,
                 '<body style="font-family: sans-serif; font-size: 14px;">',
                 '<table width="600" cellpadding="0" cellspacing="0" border="0"><tr><td>']
        for ln in lines:
            if ln in urls:
                parts.append('<p><a href="%s" target="_blank" style="color:#0066c0">%s</a></p>' % (
                    ln, self.rng.choice(("こちらからログイン", "ログインする", "Verify now", "Click here", ln))))
            elif ln:
                parts.append("<p>%s</p>" % ln.replace("&", "&amp;").replace("<", "&lt;"))
        parts.append('<img src="%s/o.gif" width="1" height="1" alt="">' % urls[0].split("?")[0].rstrip("/"))
        parts.append("</td></tr></table></body></html>")
        return "\n".join(parts)

    def encode_part(self, ctype, text, lang, allow_7bit_from):
        """Returns (headers, body) of one MIME part."""
        rng = self.rng
        if lang == "ja":
            cte = rng.choices(("jis", "b64", "qp", "8bit", "sjis"), (40, 35, 12, 8, 5))[0]
            if cte == "jis" and not can_jis(text):
                cte = "b64"
        else:
            cte = rng.choices(("7bit", "b64", "qp"), (55, 25, 20))[0]
        if cte == "jis":
            data = text.encode("iso2022_jp").decode("ascii")
            return ("Content-Type: %s; charset=\"ISO-2022-JP\"\nContent-Transfer-Encoding: 7bit" % ctype, data)
        if cte == "sjis":
            try:
                raw = text.encode("shift_jis")
                cs = "Shift_JIS"
            except UnicodeEncodeError:
                raw = text.encode("utf-8")
                cs = "UTF-8"
            return ("Content-Type: %s; charset=\"%s\"\nContent-Transfer-Encoding: base64" % (ctype, cs),
                    base64.encodebytes(raw).decode("ascii").rstrip("\n"))
        if cte == "b64":
            return ("Content-Type: %s; charset=\"UTF-8\"\nContent-Transfer-Encoding: base64" % ctype,
                    base64.encodebytes(text.encode("utf-8")).decode("ascii").rstrip("\n"))
        if cte == "qp":
            return ("Content-Type: %s; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable" % ctype,
                    binascii.b2a_qp(text.encode("utf-8")).decode("ascii"))
        if cte == "8bit":
            return ("Content-Type: %s; charset=UTF-8\nContent-Transfer-Encoding: 8bit" % ctype, text)
        return ("Content-Type: %s; charset=us-ascii\nContent-Transfer-Encoding: 7bit" % ctype, text)

    def body(self, c, urls, dom, ts):
        """Returns (top-level content headers, body text)."""
        rng = self.rng
        lines = self.body_text(c, urls, dom, ts)
        if c["lang"] == "en" and rng.random() < 0.12:
            lines.insert(rng.randint(0, len(lines)), self.fill(rng.choice(FROM_LINES), c["brand"][0], dom, ts))
        plain = "\n".join(lines)
        shape = rng.choices(("alt", "plain", "html"), (55, 25, 20))[0]
        if shape == "plain":
            h, b = self.encode_part("text/plain", plain, c["lang"], True)
            return "MIME-Version: 1.0\n" + h, b
        html = self.html_from(lines, urls, "utf-8")
        if shape == "html":
            h, b = self.encode_part("text/html", html, c["lang"], True)
            return "MIME-Version: 1.0\n" + h, b
        boundary = rng.choice(("----=_Part_%d_%d.%d" % (rng.randint(1, 99999), rng.randint(1, 2 ** 31), ts * 1000),
                               "b1_" + self.s(HEXL, 32), "_000_%s_" % self.s(ALNUM, 40),
                               "=_" + self.s(HEXL, 24)))
        h1, b1 = self.encode_part("text/plain", plain, c["lang"], True)
        h2, b2 = self.encode_part("text/html", html, c["lang"], False)
        body = ("This is a multi-part message in MIME format.\n\n--%s\n%s\n\n%s\n--%s\n%s\n\n%s\n--%s--\n"
                % (boundary, h1, b1, boundary, h2, b2, boundary))
        return ('MIME-Version: 1.0\nContent-Type: multipart/alternative;\n\tboundary="%s"' % boundary, body)

    # ----------------------------------------------------------------- hops

    def hop_spam(self, dialect, helo, rdns, ip, by, ts, rcpt, env):
        """A Received field written by a server the spammer controls (or rents)."""
        rng = self.rng
        if dialect == "postfix":
            return ("Received: from %s (%s [%s])\n\tby %s (Postfix) with ESMTP id %s\n\tfor <%s>; %s"
                    % (helo, rdns or "unknown", ip, by, self.postfix_id(), rcpt, fmt_date(ts, 480, "postfix", "CST")))
        if dialect == "exim":
            if rdns:
                frm = "%s ([%s] helo=%s)" % (rdns, ip, helo)
            else:
                frm = "[%s] (port=%d helo=%s)" % (ip, rng.randint(1025, 65535), helo)
            return ("Received: from %s\n\tby %s with esmtpa (Exim 4.%d)\n\t(envelope-from <%s>)\n\tid %s\n\tfor %s; %s"
                    % (frm, by, rng.choice((92, 94, 95, 96, 97)), env, self.exim_id(), rcpt, fmt_date(ts, 120)))
        if dialect == "sendmail":
            return ("Received: from %s (%s [%s])\n\tby %s (8.15.2/8.15.2) with ESMTP id %s\n\tfor <%s>; %s"
                    % (helo, rdns or "", ip, by, self.sendmail_id(), rcpt, fmt_date(ts, -300)))
        return ("Received: from %s (HELO %s) (%s)\n  by %s with SMTP; %s"
                % (rdns or "unknown", helo, ip, by, fmt_date(ts, 0, "qmail")))

    def submission_hop(self, by, ts):
        rng = self.rng
        k = rng.random()
        if k < 0.4:
            return ("Received: from localhost (localhost [127.0.0.1])\n\tby %s (Postfix) with ESMTPA id %s; %s"
                    % (by, self.postfix_id(), fmt_date(ts, 480, "postfix", "CST")))
        if k < 0.7:
            return ("Received: from %s (unknown [%s])\n\tby %s with ESMTPA id %s; %s"
                    % (rng.choice(("User", "WIN-%s" % self.s(HEXU, 11), "DESKTOP-%s" % self.s(HEXU, 7))),
                       "192.168.%d.%d" % (rng.randint(0, 10), rng.randint(2, 254)), by, self.s(ALNUM, 12),
                       fmt_date(ts, 480)))
        return "Received: (qmail %d invoked by uid %d); %s" % (rng.randint(1000, 99999), rng.choice((48, 33, 1001)),
                                                              fmt_date(ts, 0, "qmail"))

    # ----------------------------------------------------------------- message

    def message(self, c, ts, serial):
        rng = self.rng
        w = self.w
        profile = rng.choices(PROFILES, PROFILE_WEIGHTS)[0]
        rcpt = rng.choice(USERS[profile])
        # who sent it
        if c["botnet"] and rng.random() < 0.7:
            origin_ip, origin_rdns = self.random_public_ip(), rng.choice(("", "", "dynamic-ip-%s.example-isp.net"
                                                                         % self.s(LOWNUM, 8)))
            from_dom = w.random_domain()
            env_dom = from_dom
        else:
            oi = rng.choice(c["origins"])
            origin_ip, origin_rdns, _ = w.ips[oi]
            from_dom = w.domains[rng.choice(c["domains"])]
            env_dom = w.domains[rng.choice(c["domains"])] if rng.random() < 0.6 else from_dom
        esp = c["esp"]
        if esp == "amazonses":
            region = rng.choice(("eu-central-1", "us-east-1", "ap-northeast-1"))
            env_dom_full = "%s.amazonses.com" % region
        elif esp == "sendgrid":
            env_dom_full = "em%d.%s" % (rng.randint(100, 9999), from_dom)
        elif esp == "onmicrosoft":
            env_dom_full = "%s%d.onmicrosoft.com" % (rng.choice(WORDS), rng.randint(1, 999))
            from_dom = env_dom_full if rng.random() < 0.5 else from_dom
        elif esp == "gmail":
            env_dom_full = "gmail.com"
            from_dom = "gmail.com"
        else:
            env_dom_full = env_dom
        token = self.s(HEXL, 12)
        if c["env_local"] == "random":
            env_local = self.s(LOWNUM, rng.randint(6, 12))
        elif esp == "amazonses":
            env_local = "0107018%s-%s-%s-%s-%s-000000" % (self.s(HEXL, 9), self.s(HEXL, 8), self.s(HEXL, 4),
                                                          self.s(HEXL, 4), token)
        elif c["env_local"] == "bounce":
            env_local = "bounce-%s" % self.s(LOWNUM, 8)
        else:
            env_local = c["env_local"]
        if esp == "gmail":
            env_local = "%s%d" % (rng.choice(WORDS), rng.randint(100, 9999))
        envelope = "%s@%s" % (env_local, env_dom_full)
        from_local = envelope.split("@")[0] if esp == "gmail" else rng.choice(
            ("info", "support", "no-reply", "noreply", "mail", "account-update", "service", "admin",
             self.s(LOWER, rng.randint(5, 9))))
        from_addr = "%s@%s" % (from_local, from_dom)

        # times: origin at ts-delta, each hop later
        t = ts - rng.randint(5, 600)
        date_ts = t - rng.randint(0, 30)

        # ---------------------------------------------------- spam side (bottom up)
        below = []  # bottom-first list of Received fields
        helo = from_dom if rng.random() < 0.6 else (origin_rdns or "[%s]" % origin_ip)
        connect_ip, connect_helo, connect_rdns = origin_ip, helo, origin_rdns
        if esp == "amazonses":
            a, b = rng.randint(224, 227), rng.randint(1, 254)
            connect_ip = "69.169.%d.%d" % (a, b)
            connect_helo = "%s-%d.smtp-out.%s.amazonses.com" % ("b%d" % a, b, region)
            connect_rdns = connect_helo
        elif esp == "sendgrid":
            connect_ip = "149.72.%d.%d" % (rng.randint(0, 255), rng.randint(1, 254))
            connect_helo = "o%d.ptr%d.%s" % (rng.randint(1, 9), rng.randint(1000, 9999), env_dom_full)
            connect_rdns = connect_helo
            below.append(fold("Received", "by filterdrecv-%s-%s with SMTP id filterdrecv-%s-1-%s-1B %s.%09d +0000 UTC m=+%d.%d"
                              % (self.s(HEXL, 10), self.s(LOWNUM, 5), self.s(HEXL, 10), self.s(HEXU, 8),
                                 time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t + 1)), rng.randint(0, 999999999), rng.randint(1000, 999999), rng.randint(0, 999999)), 78, "\t"))
            below.append("Received: from %s (unknown [%s])\n\tby geopod-ismtpd-%d (SG) with ESMTP\n\tid %s\n\tfor <%s>; %s"
                         % (helo, origin_ip, rng.randint(1, 40), self.s(ALNUM, 22), rcpt,
                            fmt_date(t, 0, "nopad", "UTC")))
        elif esp == "gmail":
            connect_ip = "209.85.%d.%d" % (rng.randint(128, 223), rng.randint(1, 254))
            connect_helo = "mail-%s-f%d.google.com" % (rng.choice(("pf1", "pl1", "wm1", "ej1", "lf1")),
                                                       int(connect_ip.split(".")[3]))
            connect_rdns = connect_helo
            below.append("Received: from [%s] (%s [%s])\n        by smtp.gmail.com with ESMTPSA id %s.%d.%s\n        for <%s>\n        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\n        %s"
                         % (origin_ip, origin_rdns + "." if origin_rdns else "unknown", origin_ip,
                            "%s-%ssm%d" % (self.s(HEXL, 13), self.s(HEXL, 11), rng.randint(1000000, 99999999)),
                            rng.randint(1, 99), time.strftime("%Y.%m.%d.%H.%M.%S", time.gmtime(t)),
                            rcpt, fmt_date(t, -420, "rfc", "PDT")))
            below.append("Received: by %s with SMTP id %s-%s.%d\n        for <%s>; %s"
                         % (connect_helo, self.s(HEXL, 13), self.s(LOWNUM, 16), rng.randint(0, 9), rcpt,
                            fmt_date(t + 1, -420, "rfc", "PDT")))
        elif esp == "onmicrosoft":
            connect_ip = rng.choice(("52.100.%d.%d", "40.107.%d.%d", "40.92.%d.%d")) % (rng.randint(0, 255), rng.randint(1, 254))
            connect_helo = "%s.outbound.protection.outlook.com" % rng.choice(("NAM12-MW2-obe", "APC01-TYZ-obe", "EUR05-DB8-obe", "JPN01-OS0-obe"))
            connect_rdns = ""
            mbx = self.exch_host("mbx")
            below.append(fold("Received", "from %s (%s) by %s (%s) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id %s; %s"
                              % (mbx, self.v6(), self.exch_host("mbx"), self.v6(), self.exch_id(),
                                 fmt_date(t, 0, "nopad"))))
        else:
            if c["hop_extra"] and rng.random() < 0.6:
                by0 = c["relays"][0][1] if c["relays"] else (origin_rdns or "mail." + from_dom)
                below.append(self.submission_hop(by0, t - rng.randint(1, 20)))
            if c["relays"]:
                ri, rname = rng.choice(c["relays"])
                relay_ip = w.ips[ri][0]
                if c["chain"] == 2:
                    # origin -> the spammer's inner MTA (private address) -> relay
                    inner = "mta%d.%s" % (rng.randint(1, 9), w.domains[c["domains"][0]])
                    inner_ip = "10.%d.%d.%d" % (c["id"] % 256, rng.randint(0, 255), rng.randint(2, 254))
                    below.append(self.hop_spam(c["relay_dialect"], helo, origin_rdns, origin_ip, inner, t, rcpt, envelope))
                    t += rng.randint(0, 3)
                    helo, origin_rdns, origin_ip = inner, "", inner_ip
                below.append(self.hop_spam(c["relay_dialect"], helo, origin_rdns, origin_ip, rname, t, rcpt, envelope))
                t += rng.randint(0, 3)
                connect_ip, connect_helo, connect_rdns = relay_ip, rname, w.ips[ri][1]
            elif c["id"] % 3 == 0 and rng.random() < 0.5:
                # the origin names itself
                by0 = origin_rdns or ("mail." + from_dom)
                below.append(self.hop_spam(c["relay_dialect"], "localhost", "localhost", "127.0.0.1", by0, t, rcpt, envelope))
        t += rng.randint(1, 20)

        # ---------------------------------------------------- auth verdicts
        spf = c["spf"]
        if esp:
            spf = "pass"
        dkim_d = None
        dkim_res = "none"
        sel = rng.choice(("default", "s1", "mail", "k1", "selector1", "dkim", "20230601", "google", "mx"))
        if c["dkim"] == "own":
            dkim_d, dkim_res = from_dom, "pass"
        elif c["dkim"] == "bad":
            dkim_d, dkim_res = from_dom, rng.choice(("fail", "neutral", "permerror"))
        elif c["dkim"] == "esp":
            dkim_d = {"amazonses": "amazonses.com", "sendgrid": "sendgrid.net", "gmail": "gmail.com",
                      "onmicrosoft": env_dom_full}.get(esp, from_dom)
            dkim_res = "pass"
            if esp == "amazonses":
                sel = self.s(LOWNUM, 32)
        aligned = (dkim_res == "pass" and dkim_d and from_dom.endswith(dkim_d)) or (
            spf == "pass" and env_dom_full.endswith(from_dom))
        dmarc = "pass" if aligned else rng.choice(("none", "fail", "fail"))

        # ---------------------------------------------------- receiving side (top down list)
        top = []   # newest first
        auth = []  # trace fields that sit right above the MX hop
        if profile == "gmail":
            mx_ip = "2002:a05:%x:%x:b0:%x:%x:%x" % (rng.randint(0x6000, 0x7fff), rng.randint(0, 0xffff), rng.randint(0, 0xfff),
                                                   rng.randint(0, 0xffff), rng.randint(0, 0xffff))
            top.append("Received: by %s with SMTP id %s;\n        %s"
                       % (mx_ip, "%scsp%d%s" % (self.s(LOWNUM, 3), rng.randint(100000, 9999999), self.s(LOWER, 3)),
                          fmt_date(t + 2, -480, "rfc", "PST")))
            top.append("X-Google-Smtp-Source: AGHT+I%s==" % self.b64(60)[:78])
            top.append("X-Received: by %s with SMTP id %s.%d.%d;\n        %s"
                       % (mx_ip, self.s(LOWNUM, 30), rng.randint(1, 9), (t + 1) * 1000 + rng.randint(0, 999),
                          fmt_date(t + 1, -480, "rfc", "PST")))
            top.append("ARC-Seal: i=1; a=rsa-sha256; t=%d; cv=none;\n        d=google.com; s=arc-20160816;\n        b=%s"
                       % (t, "\n         ".join(self.b64(256)[i:i + 68] for i in range(0, 344, 68))))
            top.append("ARC-Authentication-Results: i=1; mx.google.com;\n       spf=%s (google.com: domain of %s designates %s as permitted sender) smtp.mailfrom=%s"
                       % (spf, envelope, connect_ip, envelope))
            top.append("Return-Path: <%s>" % envelope)
            mxhop = ("Received: from %s (%s [%s])\n        by mx.google.com with ESMTPS id %s-%s.%d.%s\n        for <%s>\n        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\n        %s"
                     % (connect_helo, connect_rdns + "." if connect_rdns else "unknown", connect_ip, self.s(HEXL, 13),
                        self.s(HEXL, 11) + "si" + str(rng.randint(100000, 9999999)), rng.randint(1, 999),
                        time.strftime("%Y.%m.%d.%H.%M.%S", time.gmtime(t)), rcpt, fmt_date(t, -480, "rfc", "PST")))
            auth.append("Received-SPF: %s (google.com: domain of %s designates %s as permitted sender) client-ip=%s;"
                        % (spf, envelope, connect_ip, connect_ip))
            ar = "Authentication-Results: mx.google.com;\n"
            if dkim_d:
                ar += "       dkim=%s header.i=@%s header.s=%s header.b=%s;\n" % (dkim_res, dkim_d, sel, self.s(ALNUM, 8))
            ar += ("       spf=%s (google.com: domain of %s designates %s as permitted sender) smtp.mailfrom=%s;\n"
                   "       dmarc=%s (p=%s sp=%s dis=NONE) header.from=%s"
                   % (spf, envelope, connect_ip, envelope, dmarc, rng.choice(("NONE", "QUARANTINE", "REJECT")),
                      "NONE", from_dom))
            auth.append(ar)
            top += auth[::-1]  # gmail puts Authentication-Results above Received-SPF
            top.append(mxhop)
        elif profile == "outlook":
            mbx2, mbx1, ca, ft = self.exch_host("mbx").upper(), self.exch_host("mbx"), self.exch_host("ca"), self.exch_host("ft")
            v6a, v6b, v6c = self.v6(), self.v6(), self.v6().replace("::", ":cafe::")
            top.append(fold("Received", "from %s (%s) by %s with HTTPS; %s" % (mbx1.upper(), v6a, mbx2, fmt_date(t + 3, 0, "nopad"))))
            if rng.random() < 0.3:  # forwarded through a second tenant first (as in phishing_pot samples)
                mbx0 = self.exch_host("mbx")
                top.append(fold("Received", "from %s (%s) by %s (%s) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id %s; %s"
                                % (mbx0, self.v6(), mbx1, v6a, self.exch_id(), fmt_date(t + 2, 0, "nopad"))))
            top.append(fold("Received", "from %s.%s.prod.outlook.com (%s) by %s (%s) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id %s; %s"
                            % (ca, mbx1.split(".")[1], v6b, mbx1, v6a, self.exch_id(), fmt_date(t + 2, 0, "nopad"))))
            top.append(fold("Received", "from %s.eop-nam12.prod.protection.outlook.com (%s) by %s.outlook.office365.com (%s) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id %s via Frontend Transport; %s"
                            % (ft, v6c, ca, v6b, self.exch_id(), fmt_date(t + 1, 0, "nopad"))))
            top.append(fold("Authentication-Results", "spf=%s (sender IP is %s) smtp.mailfrom=%s; dkim=%s (%s) header.d=%s;dmarc=%s action=%s header.from=%s;compauth=%s reason=%d"
                            % (spf, connect_ip, env_dom_full, dkim_res if dkim_d else "none",
                               "signature was verified" if dkim_res == "pass" else "message not signed" if not dkim_d else "body hash did not verify",
                               dkim_d or "none", dmarc, "none" if dmarc != "fail" else "oreject", from_dom,
                               "pass" if dmarc == "pass" else "fail", rng.choice((100, 601, 401, 0)))))
            top.append(fold("Received-SPF", "%s (protection.outlook.com: domain of %s %s %s as permitted sender) receiver=protection.outlook.com; client-ip=%s; helo=%s; pr=C"
                            % (spf.capitalize(), env_dom_full, "designates" if spf == "pass" else "does not designate",
                               connect_ip, connect_ip, connect_helo)))
            top.append(fold("Received", "from %s (%s) by %s.mail.protection.outlook.com (10.%d.%d.%d) with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id %s via Frontend Transport; %s"
                            % (connect_helo, connect_ip, ft, rng.randint(13, 167), rng.randint(0, 255), rng.randint(1, 254),
                               self.exch_id(), fmt_date(t, 0, "nopad"))))
            top.append("X-IncomingTopHeaderMarker:\n OriginalChecksum:%s;UpperCasedChecksum:%s;SizeAsReceived:%d;Count:%d"
                       % (self.s(HEXU, 64), self.s(HEXU, 64), rng.randint(1000, 9000), rng.randint(12, 30)))
        elif profile == "yahoojp":
            mta = "mta%d.mail.kks.yahoo.co.jp" % rng.randint(1000, 9999)
            top.append("X-Apparently-To: %s; %s" % (rcpt, fmt_date(t + 1, 540)))
            top.append("Return-Path: <%s>" % envelope)
            top.append("X-YMailISG: %s" % "\n ".join(self.b64(300)[i:i + 76] for i in range(0, 400, 76)))
            top.append("X-Originating-IP: [%s]" % connect_ip)
            top.append("Received-SPF: %s (%s: domain of %s designates %s as permitted sender) receiver=%s; client-ip=%s; envelope-from=%s;"
                       % (spf, mta, envelope, connect_ip, mta, connect_ip, envelope))
            if dkim_d:
                top.append("Authentication-Results: %s  from=%s; domainkeys=neutral (no sig); dkim=%s (%s); header.i=@%s"
                           % (mta, from_dom, dkim_res, "ok" if dkim_res == "pass" else "bad sig", dkim_d))
            else:
                top.append("Authentication-Results: %s  from=%s; domainkeys=neutral (no sig); dkim=neutral (no sig); header.i=@%s"
                           % (mta, from_dom, from_dom))
            top.append("Received: from %s  (EHLO %s) (%s)\n  by %s with SMTP; %s"
                       % (connect_ip, connect_helo, connect_ip, mta, fmt_date(t, 540)))
        elif profile == "postfix":
            host = "mail.neko.example.jp"
            top.append("Return-Path: <%s>" % envelope)
            top.append("Delivered-To: %s" % rcpt)
            top.append("Received: from %s\n\tby %s with LMTP\n\tid %s\n\t(envelope-from <%s>)\n\tfor <%s>; %s"
                       % (host, host, self.s(ALNUM, 22), envelope, rcpt, fmt_date(t + 3, 540)))
            if rng.random() < 0.7:
                top.append("Received: from localhost (localhost [127.0.0.1])\n\tby %s (Postfix) with ESMTP id %s\n\tfor <%s>; %s"
                           % (host, self.postfix_id(), rcpt, fmt_date(t + 2, 540, "postfix", "JST")))
                top.append("X-Virus-Scanned: amavisd-new at neko.example.jp")
                top.append("Received: from %s ([127.0.0.1])\n\tby localhost (%s [127.0.0.1]) (amavisd-new, port 10024)\n\twith ESMTP id %s for <%s>;\n\t%s"
                           % (host, host, self.s(ALNUM, 12), rcpt, fmt_date(t + 1, 540, "postfix", "JST")))
            top.append("Authentication-Results: %s; dmarc=%s (p=none dis=none) header.from=%s" % (host, dmarc, from_dom))
            if dkim_d:
                top.append("Authentication-Results: %s;\n\tdkim=%s (2048-bit key; unprotected) header.d=%s header.i=@%s header.b=\"%s\";\n\tdkim-atps=neutral"
                           % (host, dkim_res, dkim_d, dkim_d, self.s(ALNUM, 8)))
            top.append("Authentication-Results: %s; spf=%s smtp.mailfrom=%s" % (host, spf, envelope))
            top.append("Received-SPF: %s (mailfrom) identity=mailfrom; client-ip=%s; helo=%s; envelope-from=%s; receiver=<UNKNOWN>"
                       % (spf.capitalize(), connect_ip, connect_helo, envelope))
            top.append("Received: from %s (%s [%s])\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\n\t(No client certificate requested)\n\tby mx1.neko.example.jp (Postfix) with ESMTPS id %s\n\tfor <%s>; %s"
                       % (connect_helo, connect_rdns or "unknown", connect_ip, self.postfix_id(), rcpt,
                          fmt_date(t, 540, "postfix", "JST")))
        elif profile == "exim":
            host = "server%d.kumo-hosting.example.com" % rng.randint(1, 40)
            top.append("Return-Path: <%s>" % envelope)
            top.append("Envelope-to: %s" % rcpt)
            top.append("Delivery-date: %s" % fmt_date(t + 1, -300))
            top.append("Received-SPF: %s (%s: domain of %s designates %s as permitted sender) client-ip=%s; envelope-from=%s; helo=%s;"
                       % (spf, host, env_dom_full, connect_ip, connect_ip, envelope, connect_helo))
            top.append("Authentication-Results: %s;\n\tspf=%s smtp.mailfrom=%s;\n\tdkim=%s header.d=%s;\n\tdmarc=%s header.from=%s"
                       % (host, spf, env_dom_full, dkim_res, dkim_d or from_dom, dmarc, from_dom))
            if connect_rdns:
                frm = "%s ([%s]:%d helo=%s)" % (connect_rdns, connect_ip, rng.randint(1025, 65535), connect_helo)
            else:
                frm = "[%s] (port=%d helo=%s)" % (connect_ip, rng.randint(1025, 65535), connect_helo)
            top.append("Received: from %s\n\tby %s with esmtps  (TLS1.3) tls TLS_AES_256_GCM_SHA384\n\t(Exim 4.96.2)\n\t(envelope-from <%s>)\n\tid %s\n\tfor %s;\n\t%s"
                       % (frm, host, envelope, self.exim_id(), rcpt, fmt_date(t, -300)))
        elif profile == "qmail":
            top.append("Return-Path: <%s>" % envelope)
            top.append("Delivered-To: %s" % rcpt)
            top.append("Received: (qmail %d invoked from network); %s" % (rng.randint(1000, 99999), fmt_date(t + 1, 0, "qmail")))
            top.append("Received-SPF: %s (ksdc2288sv02: domain of %s designates %s as permitted sender)" % (spf, envelope, connect_ip))
            top.append("Received: from %s (HELO %s) (%s)\n  by ksdc%dsv0%d with SMTP; %s"
                       % (connect_rdns or "unknown", connect_helo, connect_ip, rng.randint(1000, 2999), rng.randint(1, 4),
                          fmt_date(t, 0, "qmail")))
        else:  # sendmail
            top.append("Return-Path: <%s>" % envelope)
            top.append("Authentication-Results: mx.example.org; spf=%s smtp.mailfrom=%s; dkim=%s header.d=%s"
                       % (spf, envelope, dkim_res, dkim_d or "none"))
            top.append("Received: from %s (%s)\n\tby mx.example.org (8.17.1/8.17.1) with ESMTPS id %s\n\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT)\n\tfor <%s>; %s"
                       % (connect_helo, ("%s [%s]%s" % (connect_rdns, connect_ip, " (may be forged)" if rng.random() < 0.3 else ""))
                          if connect_rdns else "[%s]" % connect_ip,
                          self.sendmail_id(), rcpt, fmt_date(t, 0, "rfc", "GMT")))

        # keep 2-8 Received fields: drop spam-side extras when over
        n_top = sum(1 for h in top if h.startswith("Received:"))
        while n_top + len(below) > 8 and below:
            below.pop(0)
        if n_top + len(below) < 2:
            below.append(self.hop_spam(c["relay_dialect"], "localhost", "localhost", "127.0.0.1",
                                       origin_rdns or ("mail." + from_dom), t - 5, rcpt, envelope))

        # ---------------------------------------------------- the sender's header fields
        h = []
        h.extend(top)
        h.extend(reversed(below))
        if dkim_d:
            h.append(self.dkim_sig(dkim_d, sel, date_ts, google_style=(esp == "gmail")))
        mid_dom = from_dom
        style = c["mid_style"]
        if esp == "amazonses":
            mid = "%s@%s.amazonses.com" % (env_local, region)
        elif esp == "onmicrosoft":
            mid = "%s%s@%s" % (self.s(HEXU, 8), token.upper(), self.exch_host("mbx").upper())
        elif esp == "gmail":
            mid = "CA+%s%s@mail.gmail.com" % (self.s(ALNUM, 30), token)
        elif style == "uuid":
            mid = "%s-%s-%s-%s-%s@%s" % (token[:8], self.s(HEXL, 4), self.s(HEXL, 4), token[8:12],
                                         self.s(HEXL, 12), mid_dom)
        elif style == "relay" and c["relays"]:
            mid = "%s.%s%s@%s" % (time.strftime("%Y%m%d%H%M%S", time.gmtime(date_ts)), token, self.s(HEXU, 4),
                                  c["relays"][0][1])
        elif style == "phpmailer":
            mid = "%s%s@%s" % (self.s(ALNUM, 30), token, mid_dom)
        elif style == "date":
            mid = "%s.%s@%s" % (time.strftime("%Y%m%d%H%M%S", time.gmtime(date_ts)), token.upper(), mid_dom)
        else:
            mid = "%s%s@%s" % (token, self.s(HEXL, 8), mid_dom)

        h.append("Date: %s" % fmt_date(date_ts, rng.choice((540, 540, 480, 0, -420, 60))))
        h.append("From: %s <%s>" % (self.display_name(c), from_addr))
        to = rcpt if rng.random() < 0.85 else "undisclosed-recipients:;"
        h.append("To: %s" % to)
        h.append(self.subject(c, date_ts))
        h.append("Message-ID: <%s>" % mid)
        if c["reply_to"]:
            rdom = w.domains[rng.choice(c["domains"])] if rng.random() < 0.5 else rng.choice(
                ("gmail.com", "outlook.com", "yahoo.co.jp", "qq.com", "163.com"))
            h.append("Reply-To: %s@%s" % (rng.choice(("support", "contact", "claims", "agent%d" % rng.randint(1, 99))), rdom))
        if c["mailer"]:
            h.append("X-Mailer: %s" % c["mailer"])
        if c["unsub"]:
            udom = w.domains[rng.choice(c["link_domains"])]
            h.append("List-Unsubscribe: <mailto:unsubscribe-%s@%s>,\n <https://%s/unsubscribe/%s>"
                     % (token, udom, udom, self.s(ALNUM, 24)))
            h.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
        if esp == "amazonses":
            h.append("Feedback-ID: 1.%s.%s=:AmazonSES" % (region, self.b64(30)))
            h.append("X-SES-Outgoing: %s-%s" % (time.strftime("%Y.%m.%d", time.gmtime(t)), connect_ip))
        if rng.random() < 0.3:
            h.append("X-Priority: %d" % rng.choice((1, 3)))
        urls = self.urls(c, token + self.s(HEXL, 8))
        ctype_h, body = self.body(c, urls, from_dom, date_ts)
        h.append(ctype_h)
        if profile == "outlook":
            h.append("X-MS-Exchange-Organization-ExpirationStartTime: %s.%04d\n (UTC)"
                     % (time.strftime("%d %b %Y %H:%M:%S", time.gmtime(t)), rng.randint(0, 9999)))
            h.append("X-MS-Exchange-Organization-Network-Message-Id:\n %s-%s-%s-%s-%s"
                     % (self.s(HEXL, 8), self.s(HEXL, 4), self.s(HEXL, 4), self.s(HEXL, 4), self.s(HEXL, 12)))
            h.append("X-MS-Exchange-Organization-SCL: %d" % rng.choice((1, 5, 6, 9)))
            h.append(fold("X-Forefront-Antispam-Report", "CIP:%s;CTRY:%s;LANG:%s;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:%s;PTR:%s;CAT:SPM;SFS:(13230031)(4636009)(61400799027)(35042699022);DIR:INB;"
                              % (connect_ip, rng.choice(("HK", "CN", "US", "JP", "SG", "RU")), c["lang"], connect_helo,
                                 connect_rdns or "InfoDomainNonexistent")))
        env_for_from_line = envelope
        from_line = "From %s %s" % (env_for_from_line, asctime(ts))
        # mboxrd: quote body lines that look like separators
        if "From " in body:
            body = re.sub(r"(?m)^(>*From )", r">\1", body)
        msg = "%s\n%s\n\n%s\n\n" % (from_line, "\n".join(h), body.rstrip("\n"))
        return msg.encode("utf-8"), mid


def plan(world, rng, n):
    """(campaign, time) for each message, sorted by time like a real mailbox."""
    cs = world.campaigns
    picks = rng.choices(range(len(cs)), world.weights, k=n)
    out = []
    for ci in picks:
        c = cs[ci]
        out.append((rng.randint(c["start"], c["end"]), ci))
    out.sort()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=100000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat-to-bytes", type=float, default=0,
                    help="write the generated messages again (with new Message-IDs) until the file has this many bytes")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    world = World(rng)
    gen = Gen(world, rng)
    started = time.time()
    keep = args.repeat_to_bytes > 0
    kept = []
    total = 0
    with open(args.out, "wb", buffering=1 << 20) as f:
        for i, (ts, ci) in enumerate(plan(world, rng, args.messages)):
            data, mid = gen.message(world.campaigns[ci], ts, i)
            f.write(data)
            total += len(data)
            if keep:
                kept.append((data, mid))
        rounds = 1
        written = args.messages
        while keep and total < args.repeat_to_bytes:
            tag = "r%d." % rounds
            for data, mid in kept:
                old = ("Message-ID: <%s>" % mid).encode()
                new = ("Message-ID: <%s%s>" % (tag, mid)).encode()
                data = data.replace(old, new, 1)
                # the top Received id: tag its first " id " (each profile's top hop has one)
                k = data.find(b"\nReceived:")
                if k >= 0:
                    j = data.find(b" id ", k, k + 400)
                    if j >= 0:
                        data = data[:j + 4] + tag.encode() + data[j + 4:]
                f.write(data)
                total += len(data)
                written += 1
                if total >= args.repeat_to_bytes:
                    break
            rounds += 1
    secs = time.time() - started
    sys.stderr.write("gen_mbox: %d messages, %d bytes (%.1f MB), %.1f s -> %s\n"
                     % (written, total, total / 1e6, secs, args.out))


if __name__ == "__main__":
    main()
