/*
 * PCRE2 patterns for the Safe Harbor identifiers that have a shape: dates,
 * phone and fax numbers, e-mail, URLs, IP addresses, SSNs, ZIP codes,
 * street addresses, ages over 89, and every "label: value" identifier (MRN,
 * member ID, account, licence, VIN, serial number, ...).
 *
 * Patterns are compiled once per engine (JIT when the platform has it) and
 * matched in byte mode: the note was checked as UTF-8 before, and every span
 * is snapped to character boundaries when added. A pattern with a `need`
 * byte is skipped for notes that do not contain it.
 */
#include "deid/deid_int.h"

#include <string.h>

/* ---- shared pieces ---- */
#define UP "(?-i:(?=[A-Z]))"
#define MON                                                                             \
    "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|" \
    "Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
/* Spanish month names are written in lower case */
#define MON_ES                                                                          \
    "(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|sept?iembre|octubre|noviembre|" \
    "diciembre)"
#define DOW "(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?\\.?,?[ ]+(?:the[ ]+)?)"
#define DAY "(?:[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
#define DAYN "(?:[12]\\d|3[01]|0?[1-9])"
#define YEAR "(?:(?:19|20)\\d{2}|'\\d{2})"
#define STATE_ABBR                                                                          \
    "(?:AK|AZ|AR|CA|CT|FL|IA|IL|KS|KY|MA|MI|MN|MT|NC|ND|NH|NJ|NM|NV|NY|RI|SD|TN|TX|UT|VA|VT|" \
    "WA|WI|WV|WY|PR|GU|VI)"
#define STATE_ABBR_AMBIG "(?:MD|PA|DE|IN|OK|OR|ME|HI|ID|MS|CO|LA|AL|GA|MO|NE|SC|DC|OH)"
#define STATE_NAME                                                                            \
    "(?:Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|"   \
    "Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|"   \
    "Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New "     \
    "Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|"    \
    "Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|"     \
    "Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|Puerto Rico)"
#define STREET_SUFFIX                                                                         \
    "(?:Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|"  \
    "Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Route|Rte|Square|Sq|Trail|Trl|Alley|" \
    "Plaza|Loop|Row|Pike|Turnpike|Expressway|Crescent|Close|Path|Walk|Run|Crossing|Xing|"     \
    "Heights|Hts|Point|Pt|Ridge|Commons|Green|Bend|Cove|Glen|Hollow|Landing|Manor|Mews|Park|" \
    "Pass|Creek|Estates|Harbor|Hill|Hills|Knoll|Meadow|Meadows|Oaks|Pines|Shores|Springs|"    \
    "Summit|View|Village|Vista|Woods|ST|AVE|RD|BLVD|LN|DR|CT|HWY|STREET|AVENUE|ROAD|DRIVE|LANE)"
#define UNIT "(?:,?[ ]*(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Rm|Room|Bldg|Building|Lot|#)\\.?[ ]*#?[ ]*[A-Z0-9-]{1,6}\\b)?"

/* Label classes of the "label: value" pattern, in capture-group order. */
#define L_MRN                                                                                   \
    "MRN|M\\.R\\.N\\.?|MR[ ]?#|MR[ ]?(?:no|num(?:ber)?)\\b|med(?:ical)?\\.?[ ]*rec(?:ord)?s?\\.?" \
    "(?:[ ]*(?:number|no|num|#))?|record[ ]*(?:number|no|#)|chart[ ]*(?:number|no|#)|"            \
    "patient[ ]*(?:id|identifier|number|no|#)|pt\\.?[ ]*(?:id|#)|hospital[ ]*(?:id|number|no|#)|" \
    "unit[ ]*(?:number|no)|EMPI|MPI|NHC|historia[ ]+cl(?:i|\xc3\xad)nica"
#define L_HP                                                                                      \
    "member[ ]*(?:id|#|number|no)|subscriber[ ]*(?:id|#|number|no)|policy[ ]*(?:id|#|number|no)?|" \
    "insurance[ ]*(?:id|#|number|no)|(?:health[ ]*)?plan[ ]*(?:id|#|number|no)|beneficiary"       \
    "(?:[ ]*(?:id|#|number|no))?|medicare(?:[ ]*(?:id|#|number|no|mbi|card))?|medicaid"           \
    "(?:[ ]*(?:id|#|number|no|card))?|MBI|HICN|group[ ]*(?:id|#|number|no)|NASS|NSS|CIP|"        \
    "n(?:u|\xc3\xba)mero[ ]+de[ ]+(?:la[ ]+)?(?:seguridad[ ]+social|afiliaci(?:o|\xc3\xb3)n)|"    \
    "tarjeta[ ]+sanitaria"
#define L_ACCT                                                                                  \
    "account(?:[ ]*(?:id|#|number|no))?|acct\\.?(?:[ ]*(?:#|number|no))?|billing[ ]*(?:id|#|"    \
    "number|no|account)|FIN|encounter[ ]*(?:id|#|number|no)|visit[ ]*(?:id|#|number|no)|claim" \
    "[ ]*(?:id|#|number|no)|invoice(?:[ ]*(?:#|number|no))?|CSN|HAR|(?:credit[ ]*)?card[ ]*"   \
    "(?:number|no|#)|IBAN|routing[ ]*(?:number|no|#)"
#define L_VEH                                                                                   \
    "VIN|vehicle[ ]*(?:id(?:entification)?(?:[ ]*(?:number|no|#))?|#|serial)|licen[cs]e[ ]*"     \
    "plate(?:[ ]*(?:number|no|#))?|plate(?:[ ]*(?:number|no|#))?|tag[ ]*(?:number|no|#)|"       \
    "matr(?:i|\xc3\xad)cula"
#define L_LIC                                                                                   \
    "driver'?s?[ ]*licen[cs]e(?:[ ]*(?:#|number|no))?|licen[cs]e(?:[ ]*(?:id|#|number|no))?|"   \
    "lic\\.?[ ]*(?:#|number|no)|DEA(?:[ ]*(?:#|number|no))?|NPI(?:[ ]*(?:#|number|no))?|"       \
    "certificate(?:[ ]*(?:id|#|number|no))?|cert\\.?[ ]*(?:#|number|no)|DL[ ]*#?|"               \
    "colegiad[oa](?:[ ]*n(?:\xc2\xba|o)\\.?)?|n(?:\xc2\xba|o)\\.?[ ]*(?:de[ ]+)?colegiad[oa]|"    \
    "registration[ ]*(?:#|number|no)|board[ ]*certification(?:[ ]*(?:#|number|no))?|"         \
    "n(?:\xc2\xba|o)\\.?[ ]*col(?:egiad[oa])?\\b\\.?"
#define L_DEV                                                                                   \
    "serial(?:[ ]*(?:number|no|#))?|S/N|SN|device[ ]*(?:id|identifier|serial|#|number|no)|UDI|" \
    "IMEI|model[ ]*(?:and|/)[ ]*serial|lot(?:[ ]*(?:number|no|#))?|pacemaker[ ]*(?:id|serial)|" \
    "implant[ ]*(?:id|serial|#)"
#define L_BIO                                                                                   \
    "(?:finger[ ]*print|thumb[ ]*print|retina(?:l)?[ ]*scan|iris[ ]*(?:scan|template)|voice[ ]*" \
    "print|palm[ ]*(?:print|vein)|biometric|facial[ ]*(?:geometry|recognition))(?:[ ]*(?:id|"   \
    "identifier|template|record|hash|#|number|no|scan))?"
#define L_PHOTO \
    "(?:full[- ]face[ ]*)?(?:photo(?:graph)?|image|picture)[ ]*(?:id|#|file|number|no|ref(?:erence)?)"
#define L_SSN "SSN|SS[ ]?#|soc(?:ial)?\\.?[ ]*sec(?:urity)?\\.?(?:[ ]*(?:number|no|#))?"
#define L_ID                                                                                     \
    "ID|identifier|case[ ]*(?:#|number|no)|accession(?:[ ]*(?:#|number|no))?|specimen[ ]*(?:id|" \
    "#|number|no)|order[ ]*(?:#|number|no)|requisition(?:[ ]*(?:#|number|no))?|employee[ ]*"    \
    "(?:id|#|number|no)|badge(?:[ ]*(?:#|number|no))?|passport(?:[ ]*(?:#|number|no))?|"         \
    "student[ ]*(?:id|#|number)|reference[ ]*(?:#|number|no)|ref[ ]*#|ticket(?:[ ]*(?:#|number" \
    "|no))?|study[ ]*(?:id|#)|subject[ ]*(?:id|#)|confirmation[ ]*(?:#|number|no)|tracking[ ]*" \
    "(?:#|number|no)|DNI|NIF|NIE|pasaporte|tax[ ]*(?:id|#)|TIN|EIN"

#define LABEL_SEP \
    "(?![A-Za-z])[ \\t]*(?:[:#=.-][ \\t]*){0,2}(?:(?:is|was|no\\.?|n\xc2\xba\\.?|number|num\\.?|#)[ \\t]*[:#.]?[ \\t]*)?"
#define ID_VALUE \
    "((?:[A-Za-z]{1,5}[ -])?(?=[A-Za-z0-9/.-]*\\d)[A-Za-z0-9](?:[A-Za-z0-9/.-]|[ ](?=\\d{2})){2,30}(?<![./-]))"

enum { T_LABEL = 0xff };
static const uint8_t label_types[] = { MC_DEID_MRN,     MC_DEID_HEALTHPLAN, MC_DEID_ACCOUNT,
                                       MC_DEID_VEHICLE, MC_DEID_LICENSE,    MC_DEID_DEVICE,
                                       MC_DEID_BIOMETRIC, MC_DEID_PHOTO,    MC_DEID_SSN,
                                       MC_DEID_ID };
#define N_LABELS (sizeof label_types / sizeof label_types[0])

typedef struct pat_def {
    const char *name;
    uint8_t type;
    uint8_t group;
    float conf;
    char need;
    const char *re;
} pat_def;

static const pat_def defs[] = {
    /* labelled identifiers: group k (1..N_LABELS) names the class, the last group the value */
    { "label", T_LABEL, (uint8_t)(N_LABELS + 1), 0.97f, 0,
      "(?i)\\b(?:(" L_MRN ")|(" L_HP ")|(" L_ACCT ")|(" L_VEH ")|(" L_LIC ")|(" L_DEV ")|(" L_BIO
      ")|(" L_PHOTO ")|(" L_SSN ")|(" L_ID "))" LABEL_SEP ID_VALUE },
    { "email", MC_DEID_EMAIL, 0, 0.99f, '@',
      "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}" },
    { "url", MC_DEID_URL, 0, 0.95f, 0,
      "(?i)\\b(?:https?://|ftp://|www\\.)[^\\s<>\"')\\]]+(?<![.,;:!?])" },
    { "domain", MC_DEID_URL, 0, 0.8f, '.',
      "(?i)(?<![@\\w.-])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9-]+)*\\.(?:com|org|net|edu|"
      "gov|info|biz|io|us|health|co\\.uk|es)\\b(?:/[^\\s<>\"')]*(?<![.,;:]))?" },
    { "ipv4", MC_DEID_IP, 0, 0.95f, '.',
      "(?<![\\d.])(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?![\\d]|\\.\\d)" },
    { "ipv6", MC_DEID_IP, 0, 0.95f, ':',
      "(?i)(?<![\\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}"
      "(?::[0-9a-f]{1,4}){0,5})?|::(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})(?![\\w:])" },
    { "mac", MC_DEID_DEVICE, 0, 0.9f, 0,
      "(?i)(?<![\\w:-])(?:[0-9a-f]{2}([:-]))(?:[0-9a-f]{2}\\1){4}[0-9a-f]{2}(?![\\w:-])" },
    { "ssn", MC_DEID_SSN, 0, 0.9f, '-', "(?<![\\d-])\\d{3}-\\d{2}-\\d{4}(?![\\d-]|\\.\\d)" },
    { "ssn_spaced", MC_DEID_SSN, 0, 0.6f, 0, "(?<![\\d ])\\d{3} \\d{2} \\d{4}(?![\\d]| \\d)" },
    { "ssn_masked", MC_DEID_SSN, 0, 0.9f, '-',
      "(?i)(?<![\\w-])(?:xxx|\\*\\*\\*)-(?:xx|\\*\\*)-\\d{4}(?![\\d-])" },
    { "phone", MC_DEID_PHONE, 0, 0.9f, 0,
      "(?<![\\w.+-])(?:\\+?1[ .-]?)?(?:\\(\\d{3}\\)[ .-]?|\\d{3}[ .-])\\d{3}[ .-]\\d{4}(?=x\\d|(?![\\w-]|\\.\\d))"
      "(?:[ ]*(?:x|ext\\.?|extension)[ ]*\\d{1,5}\\b)?" },
    { "phone_intl", MC_DEID_PHONE, 0, 0.85f, '+',
      "(?<![\\w+])\\+\\d{1,3}[ .-]?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{1,4}(?:[ .-]\\d{2,4}){2,4}(?![\\w])" },
    { "phone_label", MC_DEID_PHONE, 1, 0.95f, 0,
      "(?i)\\b(?:phone|ph|tel|telephone|tel(?:e|\xc3\xa9)fono|tfno|tlf|cell(?:phone)?|mobile|"
      "m(?:o|\xc3\xb3)vil|pager|beeper|home|work|contact|call(?:ed)?(?:[ ]+back)?(?:[ ]+at)?|"
      "reached[ ]+at|fax|facsimile|fx)\\b\\.?[ ]*(?:number|no\\.?|#|n(?:u|\xc3\xba)mero)?[ ]*[:#]?"
      "[ ]*(\\+?\\(?\\d[\\d ().-]{5,18}\\d)(?![\\d/])" },
    /* dates: all elements except the year (Safe Harbor (b)(2)(i)(C)) */
    { "date_mdy", MC_DEID_DATE, 0, 0.95f, 0,
      "(?<![\\d/.-])(?:0?[1-9]|1[0-2])([/.-])(?:0?[1-9]|[12]\\d|3[01])\\1(?:19|20)?\\d{2}"
      "(?![\\d/]|[.-]\\d)" },
    { "date_dmy", MC_DEID_DATE, 0, 0.9f, 0,
      "(?<![\\d/.-])(?:1[3-9]|2\\d|3[01])([/.-])(?:0?[1-9]|1[0-2])\\1(?:19|20)?\\d{2}(?![\\d/]|[.-]\\d)" },
    { "date_iso", MC_DEID_DATE, 0, 0.95f, 0,
      "(?<![\\d/.-])(?:19|20)\\d{2}([/.-])(?:0?[1-9]|1[0-2])\\1(?:0?[1-9]|[12]\\d|3[01])(?!\\d)" },
    { "date_compact", MC_DEID_DATE, 0, 0.6f, 0,
      "(?<![\\w])(?:19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])(?![\\w])" },
    { "date_md_ctx", MC_DEID_DATE, 1, 0.75f, '/',
      "(?i)\\b(?:on|since|from|until|till|through|thru|dated?|seen|by|dos|admitted|discharged|"
      "last|next|before|after|starting|beginning|ending|between|effective|expires?|scheduled|"
      "returns?|visit|appt|appointment|surgery|procedure|d/c|adm|disch)\\b[: ]{1,3}(?:the[ ]+)?"
      "((?:0?[1-9]|1[0-2])[/-](?:0?[1-9]|[12]\\d|3[01]))(?![\\d/]|-\\d)" },
    { "date_md_at", MC_DEID_DATE, 0, 0.75f, '/',
      "(?<![\\d/.])(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\\d|3[01])(?=[ ]+(?:at|@)[ ]*\\d)" },
    { "date_mon_day", MC_DEID_DATE, 0, 0.9f, 0,
      "(?i)\\b" UP "(?:" DOW ")?" MON "\\.?[ ]*(?:the[ ]+)?" DAY "\\b(?:,?[ ]*" YEAR ")?(?![\\d:])" },
    { "date_day_mon", MC_DEID_DATE, 0, 0.9f, 0,
      "(?i)\\b(?:" UP DOW ")?(?:the[ ]+)?" DAY "[ ]+(?:of[ ]+|de[ ]+)?(?:" UP MON "|" MON_ES ")\\b\\.?"
      "(?:,?[ ]*(?:de[ ]+|del[ ]+)?" YEAR ")?" },
    { "date_mon_year", MC_DEID_DATE, 0, 0.9f, 0,
      "(?i)\\b(?:" UP MON "|" MON_ES ")\\.?,?[ ]+(?:of[ ]+|de[ ]+|del[ ]+)?(?:19|20)\\d{2}\\b" },
    { "date_dd_mon_yy", MC_DEID_DATE, 0, 0.9f, 0,
      "(?i)(?<![\\w-])" DAYN "[-/ ]?" UP MON "[-/ ]?(?:19|20)?\\d{2}\\b" },
    { "date_mon_dd_yy", MC_DEID_DATE, 0, 0.9f, 0,
      "(?i)\\b" UP MON "[-/]" DAYN "[-/](?:19|20)?\\d{2}\\b" },
    { "date_month", MC_DEID_DATE, 0, 0.5f, 0,
      "\\b(?:January|February|March|April|June|July|August|September|October|November|December|"
      "JANUARY|FEBRUARY|MARCH|APRIL|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER|"
      "Sept|Sep|Oct|Nov|Dec|Jan|Feb|Apr|Aug)\\b" },
    { "date_may", MC_DEID_DATE, 1, 0.6f, 0,
      "(?i:\\b(?:in|since|during|early|late|mid|last|next|this|until|of|by|before|after)[ -]+)(May)\\b" },
    { "date_ordinal", MC_DEID_DATE, 1, 0.8f, 0,
      "(?i)\\b(?:on|by|since|until|from|before|after|of|through)[ ]+the[ ]+((?:[12]\\d|3[01]|0?[1-9])"
      "(?:st|nd|rd|th))\\b" },
    { "date_holiday", MC_DEID_DATE, 0, 0.6f, 0,
      "\\b(?:Christmas(?: Eve| Day)?|Thanksgiving(?: Day)?|Easter(?: Sunday)?|New Year'?s(?: Eve| Day)?|"
      "Independence Day|Fourth of July|July 4th|Halloween|Memorial Day|Labor Day|Veterans Day|"
      "Valentine'?s Day|Mother'?s Day|Father'?s Day)\\b" },
    /* ages over 89 (Safe Harbor (b)(2)(i)(C)) */
    { "age_years", MC_DEID_AGE, 1, 0.9f, 0,
      "(?i)(?<![\\d.,/-])(9\\d|1[0-4]\\d)(?=[ -]*(?:years?\\b|yrs?\\b|yo\\b|y/o\\b|y\\.o\\.|y\\b|-?year|a(?:n|\xc3\xb1)os))" },
    { "age_label", MC_DEID_AGE, 1, 0.95f, 0,
      "(?i)\\b(?:age|aged|edad)[ :]*(?:of[ ]+)?(9\\d|1[0-4]\\d)\\b(?![./]\\d)" },
    { "age_decade", MC_DEID_AGE, 1, 0.8f, 0,
      "(?i)\\bin[ ]+(?:his|her|their)[ ]+((?:early[ -]|mid[ -]|late[ -])?(?:90'?s|nineties))\\b" },
    { "age_words", MC_DEID_AGE, 1, 0.9f, 0,
      "(?i)\\b(ninety(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|one hundred"
      "(?:[- ](?:and[- ])?[a-z]+)?)(?=[ -]+years?[ -]+old|[ -]+year[ -]+old)" },
    /* geography smaller than a state (Safe Harbor (b)(2)(i)(B)) */
    { "street", MC_DEID_LOCATION, 0, 0.9f, 0,
      "(?<![\\w.,/-])\\d{1,6}(?:-?[A-Z])?(?:-\\d{1,4})?[ ]+(?:(?:[NSEW]|North|South|East|West|NE|NW|SE|SW)\\.?[ ]+)?"
      "(?:[A-Z0-9][A-Za-z0-9'.-]*[ ]+){0,4}" STREET_SUFFIX "\\b\\.?" UNIT },
    { "po_box", MC_DEID_LOCATION, 0, 0.95f, 0,
      "(?i)\\b(?:P\\.?[ ]?O\\.?[ ]*Box|Post[ ]+Office[ ]+Box|Apartado(?:[ ]+de[ ]+correos)?)[ ]*#?[ ]*\\d+" },
    { "unit", MC_DEID_LOCATION, 0, 0.8f, 0,
      "\\b(?:Apt|APT|Apartment|Suite|SUITE|Ste|STE|Unit|UNIT)\\.?[ ]*#?[ ]*\\d[A-Z0-9-]{0,5}\\b" },
    { "military_box", MC_DEID_LOCATION, 0, 0.9f, 0,
      "\\b(?:PSC|CMR|Unit|UNIT)[ ]+\\d{3,5},?[ ]*Box[ ]+\\d{2,5}\\b" },
    { "calle", MC_DEID_LOCATION, 0, 0.85f, 0,
      "\\b(?:C/|Calle|CALLE|Avda\\.?|Avenida|AVENIDA|Av\\.|Plaza|Pza\\.?|Paseo|P(?:\xc2\xba|o)\\.?|"
      "Camino|Carretera|Ctra\\.?|Ronda|Traves(?:i|\xc3\xad)a|Urbanizaci(?:o|\xc3\xb3)n|Urb\\.|Rambla|"
      "Glorieta|Pasaje|Barrio|Bo\\.)[ ]*(?:(?:de|del|la|las|los|el|y|San|Santa)[ ]+|"
      "[A-Z\\x80-\\xff][A-Za-z\\x80-\\xff.'-]*[ ]*){1,6}(?:,?[ ]*(?:n(?:\xc2\xba|o|\xc2\xb0)\\.?[ ]*)?"
      "\\d{1,4}(?:[ ]*[,-]?[ ]*\\d{1,2}(?:\xc2\xba|\xc2\xaa|\xc2\xb0)?[ ]*[A-Z]?\\b)?)?" },
    { "city_state", MC_DEID_LOCATION, 1, 0.85f, ',',
      "\\b([A-Z][a-zA-Z.'-]+(?:[ ][A-Z][a-zA-Z.'-]+){0,2}),[ ]*(?:" STATE_ABBR "\\b|" STATE_ABBR_AMBIG
      "(?=[ ]+\\d{5})|" STATE_NAME "\\b)" },
    { "county", MC_DEID_LOCATION, 0, 0.8f, 0,
      "\\b[A-Z][a-z]+(?:[ ][A-Z][a-z]+)?[ ](?:County|Parish|Borough|Township)\\b" },
    { "zip_state", MC_DEID_ZIP, 1, 0.95f, 0,
      "\\b(?:" STATE_ABBR "|" STATE_ABBR_AMBIG "|" STATE_NAME "),?[ ]+(\\d{5}(?:-\\d{4})?)\\b" },
    { "zip_label", MC_DEID_ZIP, 1, 0.95f, 0,
      "(?i)\\b(?:zip(?:[ ]*code)?|postal[ ]*code|c\\.?p\\.?|c(?:o|\xc3\xb3)digo[ ]+postal)[ ]*[:#.]?[ ]*(\\d{5}(?:-\\d{4})?)\\b" },
    { "zip4", MC_DEID_ZIP, 0, 0.8f, '-', "(?<![\\d-])\\d{5}-\\d{4}(?![\\d-])" },
    /* unlabelled identifiers */
    { "udi", MC_DEID_DEVICE, 0, 0.9f, '(', "\\(01\\)\\d{14}(?:\\(\\d{2}\\)[A-Za-z0-9-]{1,20})*" },
    { "vin", MC_DEID_VEHICLE, 0, 0.8f, 0,
      "\\b(?=[A-HJ-NPR-Z0-9]*\\d)(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}\\b" },
    { "image_file", MC_DEID_PHOTO, 0, 0.85f, '.',
      "(?i)\\b[\\w-]+\\.(?:jpe?g|png|gif|bmp|tiff?|heic|dcm)\\b" },
    { "card", MC_DEID_ACCOUNT, 0, 0.85f, 0,
      "(?<![\\d-])(?:\\d{4}[ -]){3}\\d{1,4}(?![\\d-])|\\b3[47]\\d{2}[ -]?\\d{6}[ -]?\\d{5}\\b" },
    { "iban", MC_DEID_ACCOUNT, 0, 0.8f, 0,
      "\\b[A-Z]{2}\\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,3})?\\b" },
    { "dea", MC_DEID_LICENSE, 0, 0.6f, 0, "\\b[ABFGMPRX][A-Z9]\\d{7}\\b" },
    { "mbi", MC_DEID_HEALTHPLAN, 0, 0.8f, 0,
      "\\b[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\\d-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\\d-?"
      "[AC-HJKMNP-RT-Y]{2}\\d{2}\\b" },
    { "long_number", MC_DEID_ID, 0, 0.5f, 0, "(?<![\\w.,/-])\\d{7,}(?![\\w]|[.,/-]\\d)" },
    { "alnum_id", MC_DEID_ID, 0, 0.55f, 0,
      "\\b(?:[A-Z]{1,4}-?\\d{5,}(?:-\\d+)?|\\d{2,4}-\\d{3,}-\\d{2,}(?:-\\d+)*|[A-Z]{2,4}\\d{2,}-\\d{3,})\\b" },
};

/*
 * How each pattern is run. A full scan of every note by each of ~50 patterns
 * costs too much, so most patterns are tried only where they can start:
 *   K_WORD     anchored at the start of a trigger word (a label, a month name)
 *   K_WORDWIN  unanchored in a window around a trigger word (the identifier
 *              starts before the word: "Dayton, OH", "john@x.com" ~ ".com")
 *   K_CHARWIN  unanchored in a window around a byte ('@', ':')
 *   K_NUM      anchored at each run of letters and digits that holds a digit
 *              (or at the '(' / '+' just before it)
 *   K_FULL     the whole note (patterns PCRE2 already skips through fast)
 * Trigger words are lower case; words are runs of ASCII letters and UTF-8
 * bytes, matched case-insensitively.
 */
enum { K_FULL, K_WORD, K_WORDWIN, K_CHARWIN, K_NUM };
typedef struct run_def {
    const char *name;
    uint8_t kind;
    uint16_t back, fwd; /* window around the trigger (K_WORDWIN, K_CHARWIN) */
    const char *words; /* trigger words, space separated */
    uint8_t digit_within; /* a trigger word needs a digit this close after it (0 = no test) */
    bool upper; /* a trigger word must start with a capital */
    const char *next; /* the next word must start with one of these bytes (NULL = any) */
} run_def;

#define MONTHS                                                                                \
    "jan january feb february mar march apr april may jun june jul july aug august sep sept " \
    "september oct october nov november dec december enero febrero marzo abril mayo junio "  \
    "julio agosto septiembre setiembre octubre noviembre diciembre "
#define WEEKDAYS                                                                              \
    "mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat "       \
    "saturday sun sunday "
#define STATE_WORDS                                                                           \
    "ak az ar ca ct fl ia il ks ky ma mi mn mt nc nd nh nj nm nv ny ri sd tn tx ut va vt wa " \
    "wi wv wy pr gu vi md pa de in ok or me hi id ms co la al ga mo ne sc dc oh alabama "     \
    "alaska arizona arkansas california colorado connecticut delaware florida georgia "       \
    "hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland "            \
    "massachusetts michigan minnesota mississippi missouri montana nebraska nevada new "      \
    "north south west rhode puerto ohio oklahoma oregon pennsylvania tennessee texas utah "   \
    "vermont virginia washington wisconsin wyoming"

static const run_def runs[] = {
    { "label", K_WORD, 0, 0,
      "mrn m mr med medical record records chart patient pt hospital unit empi mpi nhc "
      "historia member subscriber policy insurance health plan beneficiary medicare medicaid "
      "mbi hicn group nass nss cip numero n\xc3\xbamero tarjeta account acct billing fin "
      "encounter visit claim invoice csn har credit card iban routing vin vehicle license "
      "licence plate tag matricula matr\xc3\xad"
      "cula driver drivers lic dea npi certificate cert dl colegiado colegiada n\xc2\xba no n "
      "n\xc2\xba" "col nocol "
      "registration board serial s sn device udi imei model lot pacemaker implant finger "
      "fingerprint thumb thumbprint retina retinal iris voice voiceprint palm biometric facial "
      "full photo photograph image picture ssn ss soc social id identifier case accession "
      "specimen order requisition employee badge passport student reference ref ticket study "
      "subject confirmation tracking dni nif nie pasaporte tax tin ein", 64, false, NULL },
    { "phone_label", K_WORD, 0, 0,
      "phone ph tel telephone tel\xc3\xa9"
      "fono telefono tfno tlf cell cellphone mobile m\xc3\xb3vil movil pager beeper home work "
      "contact call called reached fax facsimile fx", 32, false, NULL },
    { "date_md_ctx", K_WORD, 0, 0,
      "on since from until till through thru date dated seen by dos admitted discharged last "
      "next before after starting beginning ending between effective expires expire scheduled "
      "return returns visit appt appointment surgery procedure d adm disch", 16, false, NULL },
    { "date_may", K_WORD, 0, 0, "in since during early late mid last next this until of by before after", 0,
      false, "Mm" },
    { "date_ordinal", K_WORD, 0, 0, "on by since until from before after of through", 16, false, "tT" },
    { "age_label", K_WORD, 0, 0, "age aged edad", 12, false, NULL },
    { "age_words", K_WORD, 0, 0, "ninety one", 0, false, NULL },
    { "age_decade", K_WORD, 0, 0, "in", 0, false, "hHtT" },
    { "zip_label", K_WORD, 0, 0, "zip postal c cp c\xc3\xb3" "digo codigo", 24, false, NULL },
    { "po_box", K_WORD, 0, 0, "p po post apartado", 32, true, NULL },
    { "date_holiday", K_WORD, 0, 0,
      "christmas thanksgiving easter new independence fourth july halloween memorial labor "
      "veterans valentine mother father", 0, true, NULL },
    { "calle", K_WORD, 0, 0,
      "c calle avda avenida av plaza pza paseo p\xc2\xba po camino carretera ctra ronda "
      "traves\xc3\xad" "a travesia urbanizaci\xc3\xb3n urbanizacion urb rambla glorieta pasaje barrio bo", 0,
      false, NULL },
    { "unit", K_WORD, 0, 0, "apt apartment suite ste unit", 8, true, NULL },
    { "military_box", K_WORD, 0, 0, "psc cmr unit", 8, true, NULL },
    { "url", K_WORD, 0, 0, "http https ftp www", 0, false, NULL },
    { "domain", K_WORDWIN, 96, 64, "com org net edu gov info biz io us health uk es", 0, false, NULL },
    { "image_file", K_WORDWIN, 80, 8, "jpg jpeg png gif bmp tif tiff heic dcm", 0, false, NULL },
    { "county", K_WORDWIN, 48, 12, "county parish borough township", 0, true, NULL },
    { "zip_state", K_WORD, 0, 0, STATE_WORDS, 24, true, NULL },
    { "city_state", K_WORDWIN, 72, 24, STATE_WORDS, 0, true, NULL },
    { "date_mon_day", K_WORD, 0, 0, MONTHS WEEKDAYS, 0, true, NULL },
    { "date_mon_year", K_WORD, 0, 0, MONTHS, 0, false, NULL },
    { "date_month", K_WORD, 0, 0, MONTHS, 0, true, NULL },
    { "date_mon_dd_yy", K_WORD, 0, 0, MONTHS, 0, true, NULL },
    { "date_day_mon", K_WORDWIN, 40, 32, MONTHS, 0, false, NULL },
    { "date_dd_mon_yy", K_WORDWIN, 8, 16, MONTHS, 0, true, NULL },
    { "email", K_CHARWIN, 80, 128, "@", 0, false, NULL },
    { "ipv6", K_CHARWIN, 40, 48, ":", 0, false, NULL },
    { "ipv4", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "ssn", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "ssn_spaced", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "phone", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "date_mdy", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "date_dmy", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "date_iso", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "date_compact", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "date_md_at", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "age_years", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "street", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "zip4", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "udi", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "card", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "vin", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "iban", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "dea", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "mbi", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "long_number", K_NUM, 0, 0, NULL, 0, false, NULL },
    { "alnum_id", K_NUM, 0, 0, NULL, 0, false, NULL },
};

static const run_def *run_of(const char *name)
{
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++)
        if (!strcmp(runs[i].name, name))
            return &runs[i];
    return NULL;
}

static uint32_t trig_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Add word -> pattern bit to the trigger table (open addressing, grown by the caller). */
static int trig_add(mc_deid *d, const char *w, size_t n, int bit)
{
    if (n == 0 || n >= sizeof d->trig[0].key)
        return MC_OK;
    uint32_t h = trig_hash(w, n) & d->trig_mask;
    while (d->trig[h].len) {
        if (d->trig[h].len == n && !memcmp(d->trig[h].key, w, n)) {
            d->trig[h].mask |= (uint64_t)1 << bit;
            return MC_OK;
        }
        h = (h + 1) & d->trig_mask;
    }
    memcpy(d->trig[h].key, w, n);
    d->trig[h].len = (uint8_t)n;
    d->trig[h].mask = (uint64_t)1 << bit;
    return MC_OK;
}

static uint64_t trig_get(const mc_deid *d, const char *w, size_t n)
{
    if (n == 0 || n >= sizeof d->trig[0].key || !d->trig)
        return 0;
    for (uint32_t h = trig_hash(w, n) & d->trig_mask; d->trig[h].len; h = (h + 1) & d->trig_mask)
        if (d->trig[h].len == n && !memcmp(d->trig[h].key, w, n))
            return d->trig[h].mask;
    return 0;
}

int mc__deid_patterns_compile(mc_deid *d, mc_diag *diag)
{
    size_t n = sizeof defs / sizeof defs[0];
    if (n > MC__DEID_MAXPAT)
        return mc_diag_set(diag, MC_EINVAL, "deid: too many patterns");
    for (size_t i = 0; i < n; i++) {
        int err;
        PCRE2_SIZE off;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)defs[i].re, PCRE2_ZERO_TERMINATED, 0, &err,
                                       &off, NULL);
        if (!re) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(err, msg, sizeof msg);
            return mc_diag_set(diag, MC_EINVAL, "deid: pattern %s does not compile at %zu: %s",
                               defs[i].name, (size_t)off, (const char *)msg);
        }
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* interpreted matching when JIT is unavailable */
        mc__deid_pat *p = &d->pats[d->npats++];
        p->re = re;
        p->type = defs[i].type;
        p->group = defs[i].group;
        p->conf = defs[i].conf;
        p->need = defs[i].need;
        p->name = defs[i].name;
        const run_def *r = run_of(defs[i].name);
        p->kind = r ? r->kind : K_FULL;
        p->back = r ? r->back : 0;
        p->fwd = r ? r->fwd : 0;
        if (p->kind == K_CHARWIN)
            p->need = r->words[0];
        p->digit_within = r ? r->digit_within : 0;
        p->upper = r ? r->upper : false;
        p->next = r ? r->next : NULL;
    }
    d->trig_mask = 4095;
    d->trig = calloc(d->trig_mask + 1, sizeof *d->trig);
    if (!d->trig)
        return mc_diag_set(diag, MC_ENOMEM, "deid: out of memory");
    for (int i = 0; i < d->npats; i++) {
        const run_def *r = run_of(d->pats[i].name);
        if (!r || (r->kind != K_WORD && r->kind != K_WORDWIN))
            continue;
        for (const char *w = r->words; *w;) {
            const char *e = strchr(w, ' ');
            size_t wl = e ? (size_t)(e - w) : strlen(w);
            trig_add(d, w, wl, i);
            w += wl + (e ? 1 : 0);
        }
    }
    return MC_OK;
}

void mc__deid_patterns_free(mc_deid *d)
{
    for (int i = 0; i < d->npats; i++)
        pcre2_code_free(d->pats[i].re);
    d->npats = 0;
    free(d->trig);
    d->trig = NULL;
}

/* Case-insensitive search for word w in [lo, hi); returns the last position or -1. */
static long last_word(const char *s, size_t lo, size_t hi, const char *w)
{
    size_t k = strlen(w);
    long found = -1;
    for (size_t i = lo; i + k <= hi; i++) {
        size_t j = 0;
        while (j < k && mc__lower(s[i + j]) == w[j])
            j++;
        if (j == k && (i == 0 || !((s[i - 1] | 32) >= 'a' && (s[i - 1] | 32) <= 'z')))
            found = (long)i;
    }
    return found;
}

/* A phone number whose nearest label on its line says fax is a fax number. */
static mc_deid_type phone_or_fax(const char *s, size_t start)
{
    size_t lo = start > 32 ? start - 32 : 0;
    for (size_t i = start; i > lo; i--)
        if (s[i - 1] == '\n') {
            lo = i;
            break;
        }
    long fax = last_word(s, lo, start, "fax");
    if (fax < 0)
        fax = last_word(s, lo, start, "f:");
    if (fax < 0)
        return MC_DEID_PHONE;
    const char *others[] = { "phone", "tel", "cell", "mobile", "pager", "ph", "call", "home" };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (last_word(s, lo, start, others[i]) > fax)
            return MC_DEID_PHONE;
    return MC_DEID_FAX;
}

/* Record the identifier of a successful match of pattern p. */
static int take(mc__deid_note *nt, const mc__deid_pat *p, int rc)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(nt->md);
    int g = p->group;
    mc_deid_type type = (mc_deid_type)p->type;
    if (p->type == T_LABEL) {
        type = MC_DEID_ID;
        for (int k = 1; k <= (int)N_LABELS && k < rc; k++)
            if (ov[2 * k] != PCRE2_UNSET) {
                type = (mc_deid_type)label_types[k - 1];
                break;
            }
    }
    if (g >= rc || ov[2 * g] == PCRE2_UNSET)
        return MC_OK;
    size_t s = ov[2 * g], e = ov[2 * g + 1];
    while (e > s && (nt->text[e - 1] == ' ' || nt->text[e - 1] == '.'))
        e--;
    if (e <= s)
        return MC_OK;
    if (type == MC_DEID_PHONE)
        type = phone_or_fax(nt->text, s);
    return mc__deid_add(nt, s, e, type, p->conf, true);
}

/* Match p repeatedly in [*at, end) of the note (end limits the subject). */
static int scan(mc__deid_note *nt, const mc__deid_pat *p, size_t *at, size_t end, uint32_t opts)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(nt->md);
    while (*at < end) {
        int rc = pcre2_match(p->re, (PCRE2_SPTR)nt->text, end, *at, opts, nt->md, NULL);
        if (rc == PCRE2_ERROR_NOMATCH)
            return MC_OK;
        if (rc < 0)
            return rc == PCRE2_ERROR_NOMEMORY ? MC_ENOMEM : MC_ELIMIT;
        *at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        int r = take(nt, p, rc);
        if (r)
            return r;
        if (opts & PCRE2_ANCHORED)
            return MC_OK;
    }
    return MC_OK;
}

/* The end of a window: fwd bytes after pos, stretched to the end of that line (capped). */
static size_t window_end(const mc__deid_note *nt, size_t pos, size_t fwd)
{
    size_t e = pos + fwd < nt->n ? pos + fwd : nt->n;
    size_t cap = e + 256 < nt->n ? e + 256 : nt->n;
    while (e < cap && nt->text[e] != '\n')
        e++;
    return e;
}

static int window(mc__deid_note *nt, const mc__deid_pat *p, size_t *at, size_t pos, size_t end_pos)
{
    size_t ws = pos > p->back ? pos - p->back : 0;
    if (ws < *at)
        ws = *at;
    size_t we = window_end(nt, end_pos, p->fwd);
    size_t a = ws;
    int rc = scan(nt, p, &a, we, 0);
    *at = a > we ? a : we;
    return rc;
}

/* Shape of a run of letters and digits, for cheap tests before an anchored match. */
typedef struct shape {
    size_t len, digits, lead_letters, lead_digits;
    unsigned char prev, next, next2;
} shape;

/* Can pattern p match at a run of this shape? (false only when it surely cannot) */
static bool shape_ok(const char *name, const shape *h)
{
    bool all_digits = h->digits == h->len;
    bool sep = h->next == '/' || h->next == '-' || h->next == '.';
    switch (name[0]) {
    case 'i':
        if (!strcmp(name, "ipv4"))
            return all_digits && h->len <= 3 && h->next == '.';
        if (!strcmp(name, "iban"))
            return h->lead_letters == 2 && h->len >= 4;
        break;
    case 's':
        if (!strcmp(name, "ssn"))
            return all_digits && h->len == 3 && h->next == '-';
        if (!strcmp(name, "ssn_spaced"))
            return all_digits && h->len == 3 && h->next == ' ';
        if (!strcmp(name, "street"))
            return h->lead_digits >= 1 && h->lead_digits <= 6 && (h->next == ' ' || h->next == '-');
        break;
    case 'p':
        if (!strcmp(name, "phone"))
            return h->prev == '(' || h->prev == '+' ||
                   (all_digits && (h->len == 3 || h->len == 1) &&
                    (h->next == ' ' || h->next == '-' || h->next == '.' || h->next == ')'));
        break;
    case 'd':
        if (!strcmp(name, "date_mdy") || !strcmp(name, "date_dmy"))
            return all_digits && h->len <= 2 && sep;
        if (!strcmp(name, "date_iso"))
            return all_digits && h->len == 4 && sep;
        if (!strcmp(name, "date_compact"))
            return all_digits && h->len == 8;
        if (!strcmp(name, "date_md_at"))
            return all_digits && h->len <= 2 && h->next == '/';
        if (!strcmp(name, "dea"))
            return h->lead_letters == 2 && h->len == 9;
        break;
    case 'a':
        if (!strcmp(name, "age_years"))
            return all_digits && (h->len == 2 || h->len == 3);
        if (!strcmp(name, "alnum_id"))
            return (h->lead_letters >= 1 && h->lead_letters <= 4) ||
                   (all_digits && h->len >= 2 && h->len <= 4 && h->next == '-');
        break;
    case 'z':
        if (!strcmp(name, "zip4"))
            return all_digits && h->len == 5 && h->next == '-';
        break;
    case 'u':
        if (!strcmp(name, "udi"))
            return h->prev == '(' && h->len == 2;
        break;
    case 'c':
        if (!strcmp(name, "card"))
            return all_digits && (h->len == 4 || h->len == 15 || h->len == 16 ||
                                  (h->len <= 6 && h->next != '/' && h->next != '.'));
        break;
    case 'v':
        if (!strcmp(name, "vin"))
            return h->len == 17;
        break;
    case 'm':
        if (!strcmp(name, "mbi"))
            return h->lead_digits == 1 && h->len >= 4;
        break;
    case 'l':
        if (!strcmp(name, "long_number"))
            return all_digits && h->len >= 7;
        break;
    }
    return true;
}

/* Quick tests of a trigger word at [s, e) before running pattern p there. */
static bool trigger_ok(const mc__deid_note *nt, const mc__deid_pat *p, size_t s, size_t e)
{
    const char *t = nt->text;
    if (p->upper && !(t[s] >= 'A' && t[s] <= 'Z'))
        return false;
    if (p->digit_within) {
        size_t lim = e + p->digit_within < nt->n ? e + p->digit_within : nt->n;
        bool found = false;
        for (size_t q = e; q < lim && !found; q++)
            found = t[q] >= '0' && t[q] <= '9';
        if (!found)
            return false;
    }
    if (p->next) {
        size_t q = e;
        while (q < nt->n && (t[q] == ' ' || t[q] == '-'))
            q++;
        if (q >= nt->n || !strchr(p->next, t[q]) || t[q] == 0)
            return false;
    }
    return true;
}

static bool is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}
static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

int mc__deid_patterns_run(mc__deid_note *nt)
{
    const mc_deid *d = nt->d;
    size_t at[MC__DEID_MAXPAT] = { 0 };
    uint64_t num_mask = 0;
    int rc = MC_OK;
    for (int i = 0; i < d->npats && !rc; i++) {
        const mc__deid_pat *p = &d->pats[i];
        if (p->need && !nt->has[(unsigned char)p->need])
            continue;
        if (p->kind == K_FULL || nt->naive)
            rc = scan(nt, p, &at[i], nt->n, 0);
        else if (p->kind == K_NUM)
            num_mask |= (uint64_t)1 << i;
        else if (p->kind == K_CHARWIN)
            for (const char *q = memchr(nt->text, p->need, nt->n); q && !rc;
                 q = memchr(q + 1, p->need, nt->n - (size_t)(q + 1 - nt->text))) {
                size_t pos = (size_t)(q - nt->text);
                if (pos + 1 >= at[i] || pos >= at[i])
                    rc = window(nt, p, &at[i], pos, pos);
            }
    }
    if (nt->naive)
        return rc;
    /* one pass over the runs of letters and digits */
    const unsigned char *t = (const unsigned char *)nt->text;
    size_t n = nt->n;
    for (size_t i = 0; i < n && !rc;) {
        if (!is_word_byte(t[i]) && !is_digit(t[i])) {
            i++;
            continue;
        }
        size_t s = i;
        bool digit = false;
        char key[32];
        size_t kn = 0;
        bool in_word = is_word_byte(t[i]);
        while (i < n && (is_word_byte(t[i]) || is_digit(t[i]))) {
            if (is_digit(t[i])) {
                digit = true;
                in_word = false;
            } else if (in_word && kn < sizeof key) {
                key[kn++] = (char)((t[i] >= 'A' && t[i] <= 'Z') ? t[i] + 32 : t[i]);
            }
            i++;
        }
        /* trigger words: the leading letters of the run */
        uint64_t m = is_word_byte(t[s]) && kn < sizeof key ? trig_get(d, key, kn) : 0;
        while (m && !rc) {
            int b = __builtin_ctzll(m);
            m &= m - 1;
            const mc__deid_pat *p = &d->pats[b];
            if ((p->need && !nt->has[(unsigned char)p->need]) || !trigger_ok(nt, p, s, s + kn))
                continue;
            if (p->kind == K_WORD) {
                if (s >= at[b]) {
                    size_t a = s;
                    rc = scan(nt, p, &a, n, PCRE2_ANCHORED);
                    if (a > s + 1)
                        at[b] = a;
                }
            } else if (p->kind == K_WORDWIN) {
                rc = window(nt, p, &at[b], s, i);
            }
        }
        /* identifiers with digits: anchored at the run, or at '(' / '+' before it */
        bool dash_digit = !digit && i + 1 < n && t[i] == '-' && is_digit(t[i + 1]);
        if ((digit || dash_digit) && num_mask) {
            size_t start = s > 0 && (t[s - 1] == '(' || t[s - 1] == '+') ? s - 1 : s;
            shape h = { i - s, 0, 0, 0, s > 0 ? t[s - 1] : 0, i < n ? t[i] : 0,
                        i + 1 < n ? t[i + 1] : 0 };
            for (size_t q = s; q < i; q++)
                h.digits += is_digit(t[q]);
            while (s + h.lead_letters < i && !is_digit(t[s + h.lead_letters]))
                h.lead_letters++;
            while (s + h.lead_digits < i && is_digit(t[s + h.lead_digits]))
                h.lead_digits++;
            uint64_t mm = num_mask;
            while (mm && !rc) {
                int b = __builtin_ctzll(mm);
                mm &= mm - 1;
                const mc__deid_pat *p = &d->pats[b];
                if (!shape_ok(p->name, &h))
                    continue;
                for (size_t a0 = start; a0 <= s && !rc; a0++) {
                    if (a0 < at[b])
                        continue;
                    size_t a = a0;
                    rc = scan(nt, p, &a, n, PCRE2_ANCHORED);
                    if (a > a0 + 1) {
                        at[b] = a;
                        break;
                    }
                }
            }
        }
    }
    return rc;
}
