"""Word pools the generator draws from: names, places, employers, schools, resume lines, software.

All invented or generic: street names, employers and people are fictional; cities and universities
are real places only so that time zones and countries are right.
"""

from __future__ import annotations

FIRST = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
    "Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra "
    "Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul Donna Joshua Michelle Kenneth Carol "
    "Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Laura Edward Sharon "
    "Jeffrey Cynthia Ryan Kathleen Jacob Amy Gary Angela Nicholas Shirley Eric Anna Jonathan Brenda "
    "Stephen Pamela Larry Emma Justin Nicole Scott Helen Brandon Samantha Benjamin Katherine Samuel "
    "Christine Gregory Debra Alexander Rachel Frank Carolyn Patrick Janet Raymond Maria Jack Olivia "
    "Dennis Heather Jerry Diane Tyler Julie Aaron Joyce Jose Victoria Adam Kelly Nathan Christina Priya "
    "Wei Mei Hiroshi Yuki Carlos Sofia Ahmed Fatima Ivan Olga Kwame Amara Luis Elena Raj Anita Diego Lucia"
).split()
LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
    "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams "
    "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker "
    "Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper "
    "Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James "
    "Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez "
    "Chen Wang Tanaka Sato Okafor Mensah Petrov Ivanova Kowalski Novak Schmidt Muller Rossi Silva Haddad"
).split()
STREETS = (
    "Oak Maple Cedar Pine Elm Birch Willow Walnut Chestnut Spruce Hickory Sycamore Magnolia Juniper Aspen "
    "Lake Hill River Meadow Forest Park Spring Valley Ridge Sunset Highland Church Main Mill Washington "
    "Lincoln Franklin Jefferson Madison Adams Jackson Monroe Harrison Grant Cleveland Union Liberty "
    "Harbor Bay Canyon Prairie Orchard Garden Brook Stone Fox Deer Eagle Hawk Quail Falcon Heron Laurel"
).split()
SUFFIXES = ("Street", "Avenue", "Road", "Drive", "Lane", "Court", "Place", "Boulevard", "Way", "Terrace")
#: city, state, ZIP prefix, IANA zone, latitude, longitude
CITIES = (
    ("New York", "NY", "100", "America/New_York", 40.7, -74.0),
    ("Boston", "MA", "021", "America/New_York", 42.4, -71.1),
    ("Atlanta", "GA", "303", "America/New_York", 33.7, -84.4),
    ("Miami", "FL", "331", "America/New_York", 25.8, -80.2),
    ("Charlotte", "NC", "282", "America/New_York", 35.2, -80.8),
    ("Pittsburgh", "PA", "152", "America/New_York", 40.4, -80.0),
    ("Chicago", "IL", "606", "America/Chicago", 41.9, -87.6),
    ("Austin", "TX", "787", "America/Chicago", 30.3, -97.7),
    ("Dallas", "TX", "752", "America/Chicago", 32.8, -96.8),
    ("Minneapolis", "MN", "554", "America/Chicago", 45.0, -93.3),
    ("Nashville", "TN", "372", "America/Chicago", 36.2, -86.8),
    ("Denver", "CO", "802", "America/Denver", 39.7, -105.0),
    ("Phoenix", "AZ", "850", "America/Phoenix", 33.4, -112.1),
    ("Salt Lake City", "UT", "841", "America/Denver", 40.8, -111.9),
    ("Seattle", "WA", "981", "America/Los_Angeles", 47.6, -122.3),
    ("Portland", "OR", "972", "America/Los_Angeles", 45.5, -122.7),
    ("San Diego", "CA", "921", "America/Los_Angeles", 32.7, -117.2),
    ("San Jose", "CA", "951", "America/Los_Angeles", 37.3, -121.9),
)
AREA_CODES = {"NY": "212", "MA": "617", "GA": "404", "FL": "305", "NC": "704", "PA": "412", "IL": "312",
              "TX": "512", "MN": "612", "TN": "615", "CO": "303", "AZ": "602", "UT": "801", "WA": "206",
              "OR": "503", "CA": "408"}
#: US home ISPs: (ASN, name, first octet of the synthetic addresses)
ISPS = ((7922, "Comcast", 73), (7018, "AT&T", 99), (701, "Verizon", 71), (20115, "Charter", 24),
        (22773, "Cox", 68))
MAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "proton.me", "icloud.com", "hotmail.com")
DEPARTMENTS = ("Engineering", "Engineering", "Engineering", "Data", "Product", "Design", "Sales", "Finance",
               "Marketing", "Security", "IT Support", "People")
TITLES = ("Software Engineer", "Senior Software Engineer", "Backend Developer", "Frontend Developer",
          "Full Stack Developer", "Data Engineer", "DevOps Engineer", "Mobile Developer", "QA Engineer",
          "Site Reliability Engineer", "Machine Learning Engineer", "Blockchain Developer")
EMPLOYERS = ("Brightwave Labs", "Northbridge Systems", "Cobalt Analytics", "Redwood Logic", "Bluefin Apps",
             "Summit Digital", "Ironclad Data", "Lumen Forge", "Pinecrest Software", "Harborview Tech",
             "Quartz Cloud", "Silverline Networks", "Tidewater Health IT", "Everpeak Studios", "Nimbus Retail")
US_SCHOOLS = ("University of Texas at Austin", "Georgia Institute of Technology", "Ohio State University",
              "University of Washington", "Arizona State University", "Rutgers University",
              "Purdue University", "University of Florida", "Penn State University", "UC San Diego")
ABROAD_SCHOOLS = (("National University of Singapore", "SG"), ("University of Tokyo", "JP"),
                  ("University of Hong Kong", "HK"), ("Universiti Malaya", "MY"),
                  ("Tsinghua University", "CN"), ("Indian Institute of Technology Bombay", "IN"),
                  ("University of Lagos", "NG"), ("Warsaw University of Technology", "PL"))
SKILLS = ("Python Java Go Rust TypeScript JavaScript React Vue Angular Node.js Django Flask Spring Kotlin "
          "Swift PostgreSQL MySQL MongoDB Redis Kafka Spark Airflow AWS GCP Azure Docker Kubernetes "
          "Terraform Ansible GraphQL REST gRPC Solidity Web3 Linux CI/CD Jenkins GitHub Actions Pandas "
          "PyTorch TensorFlow Snowflake dbt Elasticsearch RabbitMQ Nginx").split()
BULLETS = (
    "Built and maintained {s1} services handling millions of requests per day",
    "Migrated a legacy monolith to {s1} microservices running on {s2}",
    "Reduced page load time by {n} percent by reworking the {s1} front end",
    "Designed data pipelines in {s1} and {s2} feeding the analytics warehouse",
    "Led a team of {k} engineers delivering the customer billing platform",
    "Introduced automated testing with {s1}, raising coverage to {n} percent",
    "Wrote infrastructure as code with {s1} for {k} production environments",
    "Mentored junior developers and ran weekly code reviews",
    "Integrated third-party payment APIs and hardened their error handling",
    "Implemented role-based access control across internal {s1} tools",
    "Cut cloud spend by {n} percent by right-sizing {s1} clusters",
    "Shipped a {s1} mobile app with {k} hundred thousand downloads",
    "Owned on-call rotation and wrote runbooks for incident response",
    "Built real-time dashboards on {s1} for the operations team",
    "Refactored the search service onto {s1}, halving query latency",
    "Worked with product managers to scope and estimate quarterly roadmaps",
    "Automated release workflows with {s1} and {s2}",
    "Modelled customer churn with {s1} and presented results to leadership",
    "Maintained open-source {s1} libraries used by other teams",
    "Designed REST and {s1} APIs consumed by partner integrations",
)
SUMMARIES = (
    "{title} with {y} years of experience in {s1}, {s2} and {s3}.",
    "Pragmatic {title} who enjoys shipping reliable {s1} systems; {y} years in industry.",
    "{title} focused on {s1} and {s2}, with {y} years building products end to end.",
    "Detail-oriented {title}; {y} years of {s1} and {s2} in fast-moving teams.",
)
#: The template a ring of operators fills in for each persona: long, polished, identical but for names.
OPERATOR_RESUME = (
    "{name} Senior Full Stack Developer with {y} years of experience building scalable web and mobile "
    "applications for startups and enterprises across fintech, e-commerce and blockchain. Expert in React, "
    "Node.js, TypeScript, Python, Django, AWS and Solidity smart contracts. Passionate about clean code, "
    "agile delivery and clear communication with clients in any time zone. Experience: Senior Developer at "
    "{employer} where I architected a decentralized exchange front end, integrated payment gateways and "
    "reduced infrastructure costs by forty percent; Full Stack Engineer at {employer2} delivering a "
    "telemedicine platform used by thousands of patients; Freelance developer delivering more than fifty "
    "projects with five star reviews. Highlights: {bullets}. Core skills: {skills}. "
    "Education: Bachelor of Science in Computer Science, {school}. "
    "Available to start immediately, fully remote, flexible hours."
)
SOFTWARE = ("Microsoft Office", "Google Chrome", "Slack", "Zoom", "Visual Studio Code", "Git", "1Password",
            "CrowdStrike Falcon Sensor", "Microsoft Teams", "Docker Desktop", "Postman", "Firefox",
            "IntelliJ IDEA", "Notion", "Figma")
REMOTE_TOOLS = ("AnyDesk", "RustDesk", "Chrome Remote Desktop Host", "TeamViewer")
#: Normal USB devices: (vendor, product, name)
USB_DEVICES = (("046d", "c52b", "Logitech USB Receiver"), ("1050", "0407", "YubiKey OTP+FIDO+CCID"),
               ("046d", "085c", "Logitech C922 Pro Stream Webcam"), ("05ac", "024f", "Apple Keyboard"),
               ("0bda", "8153", "Realtek USB 10/100/1000 LAN"))
APPS = ("Office 365 Exchange Online", "Microsoft Teams", "Office 365 SharePoint Online", "Azure Portal",
        "Microsoft 365 Copilot")
OKTA_APPS = ("GitHub Enterprise", "Jira", "Confluence", "Salesforce", "Workday", "Slack")
REPOS = tuple(f"northwind/{n}" for n in (
    "billing-api payments-core web-frontend mobile-app data-pipeline infra-terraform auth-service "
    "search-service notifications analytics-dashboard admin-portal ml-models etl-jobs docs-site "
    "design-system customer-portal reporting ledger risk-engine kyc-service fraud-rules partner-api "
    "warehouse-sync feature-flags release-tools sdk-python sdk-js load-tests chaos-tools secrets-rotation "
    "edge-proxy cdn-config status-page mail-templates").split())
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
)
VERBS = ("Built", "Designed", "Led", "Migrated", "Automated", "Refactored", "Owned", "Scaled", "Rewrote",
         "Launched", "Hardened", "Profiled", "Maintained", "Introduced", "Modernised", "Debugged", "Documented",
         "Prototyped", "Integrated", "Optimised")
OBJECTS = ("the billing service", "an internal deployment tool", "the customer onboarding flow",
           "a recommendation engine", "the payments reconciliation job", "our analytics warehouse",
           "the mobile checkout", "a fraud scoring pipeline", "the search indexer", "an inventory API",
           "the notification system", "a reporting dashboard", "the identity service", "a data lake ingest",
           "the partner integration layer", "an event bus", "a feature flag platform", "the logging stack",
           "the scheduling service", "a content management backend", "the pricing engine", "a chat widget")
RESULTS = ("cutting latency by {n}%", "for {k} product teams", "saving {n}k dollars a year",
           "serving {k} million users", "with zero downtime", "ahead of a {k}-month deadline",
           "raising test coverage to {n}%", "reducing incidents by {n}%", "in {k} weeks",
           "across {k} regions", "halving build times", "for the {q} quarter launch")
