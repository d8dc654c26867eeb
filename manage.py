#!/usr/bin/env python
from lianxi.__main__ import main

if __name__ == "__main__":
    main()
