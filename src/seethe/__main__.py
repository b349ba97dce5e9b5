import sys

from seethe.cli import main

sys.exit(main())
