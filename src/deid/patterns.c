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
    "registration[ ]*(?:#|number|no)|board[ ]*certification(?:[ ]*(?:#|number|no))?"
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
      "(?<![\\w.+-])(?:\\+?1[ .-]?)?(?:\\(\\d{3}\\)[ .-]?|\\d{3}[ .-])\\d{3}[ .-]\\d{4}(?![\\w-]|\\.\\d)"
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
      "(?i)\\b(?:" UP DOW ")?(?:the[ ]+)?" DAY "[ ]+(?:of[ ]+|de[ ]+)?" UP MON "\\b\\.?"
      "(?:,?[ ]*(?:de[ ]+|del[ ]+)?" YEAR ")?" },
    { "date_mon_year", MC_DEID_DATE, 0, 0.9f, 0,
      "(?i)\\b" UP MON "\\.?,?[ ]+(?:of[ ]+|de[ ]+|del[ ]+)?(?:19|20)\\d{2}\\b" },
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
    }
    return MC_OK;
}

void mc__deid_patterns_free(mc_deid *d)
{
    for (int i = 0; i < d->npats; i++)
        pcre2_code_free(d->pats[i].re);
    d->npats = 0;
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

static int run_one(mc__deid_note *nt, const mc__deid_pat *p)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(nt->md);
    PCRE2_SIZE at = 0;
    while (at < nt->n) {
        int rc = pcre2_match(p->re, (PCRE2_SPTR)nt->text, nt->n, at, 0, nt->md, NULL);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0)
            return rc == PCRE2_ERROR_NOMEMORY ? MC_ENOMEM : MC_ELIMIT;
        PCRE2_SIZE ms = ov[0], me = ov[1];
        at = me > ms ? me : ms + 1;
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
            continue;
        size_t s = ov[2 * g], e = ov[2 * g + 1];
        while (e > s && (nt->text[e - 1] == ' ' || nt->text[e - 1] == '.'))
            e--;
        if (e <= s)
            continue;
        if (type == MC_DEID_PHONE)
            type = phone_or_fax(nt->text, s);
        int r = mc__deid_add(nt, s, e, type, p->conf, true);
        if (r)
            return r;
    }
    return MC_OK;
}

int mc__deid_patterns_run(mc__deid_note *nt)
{
    const mc_deid *d = nt->d;
    for (int i = 0; i < d->npats; i++) {
        const mc__deid_pat *p = &d->pats[i];
        if (p->need && !nt->has[(unsigned char)p->need])
            continue;
        int rc = run_one(nt, p);
        if (rc)
            return rc;
    }
    return MC_OK;
}
