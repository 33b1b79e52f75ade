#include "analysis/known_hubs.h"

namespace sg {

const std::vector<KnownHub>& known_hubs() {
  static constexpr std::string_view kMail = "large mail provider";
  static constexpr std::string_view kBulk = "bulk-mail service";
  static constexpr std::string_view kCloud = "cloud or CDN network";
  static constexpr std::string_view kDns = "DNS hosting";
  static constexpr std::string_view kWeb = "common link target";
  static constexpr std::string_view kResolver = "public resolver";
  static constexpr std::string_view kShortener = "URL shortener";
  static const std::vector<KnownHub> kHubs = {
      // Mailbox providers: millions of unrelated senders use the same domains and servers.
      {EntityKind::domain, "gmail.com", kMail}, {EntityKind::domain, "googlemail.com", kMail},
      {EntityKind::domain, "google.com", kMail}, {EntityKind::domain, "outlook.com", kMail},
      {EntityKind::domain, "hotmail.com", kMail}, {EntityKind::domain, "live.com", kMail},
      {EntityKind::domain, "msn.com", kMail}, {EntityKind::domain, "microsoft.com", kMail},
      {EntityKind::domain, "office365.com", kMail}, {EntityKind::domain, "onmicrosoft.com", kMail},
      {EntityKind::domain, "yahoo.com", kMail}, {EntityKind::domain, "yahoo.co.jp", kMail},
      {EntityKind::domain, "ymail.com", kMail}, {EntityKind::domain, "yahoodns.net", kMail},
      {EntityKind::domain, "aol.com", kMail}, {EntityKind::domain, "icloud.com", kMail},
      {EntityKind::domain, "me.com", kMail}, {EntityKind::domain, "mac.com", kMail},
      {EntityKind::domain, "apple.com", kMail}, {EntityKind::domain, "gmx.net", kMail},
      {EntityKind::domain, "gmx.de", kMail}, {EntityKind::domain, "web.de", kMail},
      {EntityKind::domain, "mail.ru", kMail}, {EntityKind::domain, "yandex.ru", kMail},
      {EntityKind::domain, "yandex.net", kMail}, {EntityKind::domain, "qq.com", kMail},
      {EntityKind::domain, "163.com", kMail}, {EntityKind::domain, "126.com", kMail},
      {EntityKind::domain, "naver.com", kMail}, {EntityKind::domain, "protonmail.com", kMail},
      {EntityKind::domain, "proton.me", kMail}, {EntityKind::domain, "zoho.com", kMail},
      {EntityKind::domain, "docomo.ne.jp", kMail}, {EntityKind::domain, "ezweb.ne.jp", kMail},
      {EntityKind::domain, "softbank.ne.jp", kMail}, {EntityKind::domain, "nifty.com", kMail},
      {EntityKind::domain, "biglobe.ne.jp", kMail}, {EntityKind::domain, "ocn.ne.jp", kMail},
      // Bulk-mail and transactional services send for many customers.
      {EntityKind::domain, "amazonses.com", kBulk}, {EntityKind::domain, "sendgrid.net", kBulk},
      {EntityKind::domain, "mailchimp.com", kBulk}, {EntityKind::domain, "mcsv.net", kBulk},
      {EntityKind::domain, "rsgsv.net", kBulk}, {EntityKind::domain, "mailgun.org", kBulk},
      {EntityKind::domain, "sparkpostmail.com", kBulk}, {EntityKind::domain, "mandrillapp.com", kBulk},
      {EntityKind::domain, "exacttarget.com", kBulk}, {EntityKind::domain, "salesforce.com", kBulk},
      {EntityKind::domain, "constantcontact.com", kBulk},
      // Name servers of registrars and DNS hosts serve millions of domains.
      {EntityKind::domain, "cloudflare.com", kDns}, {EntityKind::domain, "domaincontrol.com", kDns},
      {EntityKind::domain, "registrar-servers.com", kDns}, {EntityKind::domain, "googledomains.com", kDns},
      {EntityKind::domain, "awsdns-hostmaster.amazon", kDns}, {EntityKind::domain, "nsone.net", kDns},
      {EntityKind::domain, "dnsmadeeasy.com", kDns}, {EntityKind::domain, "ultradns.net", kDns},
      {EntityKind::domain, "akam.net", kDns}, {EntityKind::domain, "name-services.com", kDns},
      // Link targets found in mail of every kind (HTML boilerplate, social buttons, shorteners).
      {EntityKind::domain, "w3.org", kWeb}, {EntityKind::domain, "youtube.com", kWeb},
      {EntityKind::domain, "facebook.com", kWeb}, {EntityKind::domain, "twitter.com", kWeb},
      {EntityKind::domain, "x.com", kWeb}, {EntityKind::domain, "instagram.com", kWeb},
      {EntityKind::domain, "linkedin.com", kWeb}, {EntityKind::domain, "bit.ly", kWeb},
      {EntityKind::domain, "t.co", kWeb}, {EntityKind::domain, "googleusercontent.com", kWeb},
      // URL shorteners and file hosts: anyone's links go through them.
      {EntityKind::domain, "is.gd", kShortener}, {EntityKind::domain, "x.gd", kShortener},
      {EntityKind::domain, "tinyurl.com", kShortener}, {EntityKind::domain, "ow.ly", kShortener},
      {EntityKind::domain, "buff.ly", kShortener}, {EntityKind::domain, "rebrand.ly", kShortener},
      {EntityKind::domain, "cutt.ly", kShortener}, {EntityKind::domain, "goo.gl", kShortener},
      {EntityKind::domain, "t.ly", kShortener}, {EntityKind::domain, "shorturl.at", kShortener},
      {EntityKind::domain, "rb.gy", kShortener}, {EntityKind::domain, "lnkd.in", kShortener},
      {EntityKind::domain, "amzn.to", kShortener}, {EntityKind::domain, "s.id", kShortener},
      {EntityKind::domain, "googleapis.com", kCloud}, {EntityKind::domain, "firebaseapp.com", kCloud},
      {EntityKind::domain, "web.app", kCloud}, {EntityKind::domain, "blob.core.windows.net", kCloud},
      {EntityKind::domain, "amazonaws.com", kCloud}, {EntityKind::domain, "cloudfront.net", kCloud},
      {EntityKind::domain, "akamaiedge.net", kCloud}, {EntityKind::domain, "azurewebsites.net", kCloud},
      {EntityKind::domain, "windows.net", kCloud}, {EntityKind::domain, "schema.org", kWeb},
      // Networks of mail providers, clouds and CDNs.
      {EntityKind::asn, "AS15169", kCloud}, {EntityKind::asn, "AS8075", kCloud},
      {EntityKind::asn, "AS16509", kCloud}, {EntityKind::asn, "AS14618", kCloud},
      {EntityKind::asn, "AS13335", kCloud}, {EntityKind::asn, "AS54113", kCloud},
      {EntityKind::asn, "AS20940", kCloud}, {EntityKind::asn, "AS16625", kCloud},
      {EntityKind::asn, "AS36647", kCloud}, {EntityKind::asn, "AS10310", kCloud},
      {EntityKind::asn, "AS14061", kCloud}, {EntityKind::asn, "AS16276", kCloud},
      {EntityKind::asn, "AS24940", kCloud}, {EntityKind::asn, "AS396982", kCloud},
      // Public resolvers appear in SPF and DNS answers of anyone.
      {EntityKind::ip, "8.8.8.8", kResolver}, {EntityKind::ip, "8.8.4.4", kResolver},
      {EntityKind::ip, "1.1.1.1", kResolver}, {EntityKind::ip, "1.0.0.1", kResolver},
      {EntityKind::ip, "9.9.9.9", kResolver}, {EntityKind::ip, "208.67.222.222", kResolver},
      {EntityKind::ip, "2001:4860:4860::8888", kResolver}, {EntityKind::ip, "2606:4700:4700::1111", kResolver},
  };
  return kHubs;
}

}  // namespace sg
